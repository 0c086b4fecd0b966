import {Box} from 'ink';
import {ChoiceCell, FieldLine, TextCell} from '../form/cells.js';
import type {FieldSpec} from '../form/form-focus.js';
import {backupPresets} from '../presets.js';
import {effectiveBackup} from '../wizard-answers.js';
import {StepActions, textField, useStep, type StepProps} from './step-kit.js';

const fieldPaths = ['backup.full', 'backup.differential', 'backup.retentionFull'];

/** When pgBackRest takes full and differential backups, and how many full ones it keeps. */
export function BackupStep(props: StepProps) {
	const {state, dispatch} = props;
	const {backup} = state;
	const presetIndex = backupPresets.findIndex(p => p.id === backup.preset);
	const custom = backup.preset === 'custom';
	const set = (field: 'full' | 'differential' | 'retentionFull') => (value: string) => dispatch({type: 'set-backup', field, value});
	const rows: FieldSpec[][] = [
		[{kind: 'choice', id: 'backup.preset', count: backupPresets.length, index: presetIndex, onSelect: index => dispatch({type: 'set-backup-preset', preset: backupPresets[index]!.id})}],
	];
	if (custom) {
		rows.push([textField(dispatch, 'backup.full', backup.full, set('full'))]);
		rows.push([textField(dispatch, 'backup.differential', backup.differential, set('differential'))]);
	}
	rows.push([textField(dispatch, 'backup.retentionFull', backup.retentionFull, set('retentionFull'))]);
	const kit = useStep(props, 'backup', rows, path => {
		if (path === 'backup.retentionFull') return path;
		return custom && fieldPaths.includes(path) ? path : 'backup.preset';
	});
	const {form} = kit;
	const text = (id: string, value: string, placeholder?: string) => (
		<TextCell value={value} focused={form.isFocused(id)} cursor={form.cursor} placeholder={placeholder} />
	);
	// What the answer file will really hold: a blank differential takes the schema's default.
	const effective = effectiveBackup(state);
	const schedule = effective ? [`full: ${effective.full}`, ...(effective.differential ? [`differential: ${effective.differential}`] : [])].join(' · ') : '';
	return (
		<Box flexDirection="column">
			<FieldLine
				label="Schedule"
				focused={form.isFocused('backup.preset')}
				note={custom ? 'cron, minute hour day month weekday, run on the repository host' : schedule}
				problems={custom ? [] : [...kit.messages('backup.full'), ...kit.messages('backup.differential')]}
			>
				<ChoiceCell label={backupPresets[presetIndex]!.label} focused={form.isFocused('backup.preset')} />
			</FieldLine>
			{custom ? (
				<>
					<FieldLine label="Full backups" focused={form.isFocused('backup.full')} problems={kit.messages('backup.full')}>
						{text('backup.full', backup.full, '0 1 * * 0')}
					</FieldLine>
					<FieldLine label="Differential" focused={form.isFocused('backup.differential')} problems={kit.messages('backup.differential')}>
						{text('backup.differential', backup.differential, 'blank: the default, 0 1 * * 1-6')}
					</FieldLine>
				</>
			) : null}
			<FieldLine label="Full backups kept" focused={form.isFocused('backup.retentionFull')} problems={kit.messages('backup.retentionFull')} note="older ones, and the WAL they need, are expired">
				{text('backup.retentionFull', backup.retentionFull)}
			</FieldLine>
			<StepActions kit={kit} problems={kit.unplaced(path => fieldPaths.includes(path))} />
		</Box>
	);
}
