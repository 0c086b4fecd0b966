/**
 * The event stream between the engine and whatever shows it. The UI takes the
 * types from here, so it depends on the app's contracts, never on the engine;
 * the definitions still live with the engine that emits them.
 */
export type {EngineEvent, EngineEventType, EventSink, PhaseName} from '../engine/events.js';
