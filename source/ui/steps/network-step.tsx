import {Box} from 'ink';
import {subnetOf} from '../../answers/ip.js';
import {ChoiceCell, FieldLine, TextCell} from '../form/cells.js';
import type {FieldSpec} from '../form/form-focus.js';
import {currentCheck} from '../host-checks.js';
import {StepActions, textField, useStep, type StepProps} from './step-kit.js';
import {isCheckableIp} from './hosts-step.js';
import {hostsWithRole} from '../../answers/hosts.js';

const fieldPaths = ['network.vip', 'network.prefix', 'network.interface', 'network.vrrpRouterId'];

/** The virtual IP, its prefix, the interface that carries it and the VRRP router id. */
export function NetworkStep(props: StepProps) {
	const {state, dispatch} = props;
	const {network} = state;
	const set = (field: keyof typeof network) => (value: string) => dispatch({type: 'set-network', field, value});
	const balancers = hostsWithRole(state, 'balancer');
	// The interfaces the balancer checks found, first balancer first; the empty choice lets pgha find it at install.
	const found = [...new Set(balancers.flatMap(host => currentCheck(state, host.id)?.interfaces ?? []))];
	const interfaces = ['', ...found, ...(network.interface && !found.includes(network.interface) ? [network.interface] : [])];
	const interfaceIndex = Math.max(interfaces.indexOf(network.interface), 0);
	const prefix = Number(network.prefix);
	const subnet = balancers[0] && isCheckableIp(balancers[0].ip) && prefix >= 8 && prefix <= 30 ? subnetOf(balancers[0].ip, prefix).cidr : undefined;

	const rows: FieldSpec[][] = [
		[textField(dispatch, 'network.vip', network.vip, set('vip'))],
		[textField(dispatch, 'network.prefix', network.prefix, set('prefix'))],
		[{kind: 'choice', id: 'network.interface', count: interfaces.length, index: interfaceIndex, onSelect: index => set('interface')(interfaces[index]!)}],
		[textField(dispatch, 'network.vrrpRouterId', network.vrrpRouterId, set('vrrpRouterId'))],
	];
	const kit = useStep(props, 'network', rows, path => (fieldPaths.includes(path) ? path : 'network.vip'));
	const {form} = kit;
	const text = (id: string, value: string, placeholder?: string) => (
		<TextCell value={value} focused={form.isFocused(id)} cursor={form.cursor} placeholder={placeholder} />
	);
	return (
		<Box flexDirection="column">
			<FieldLine
				label="Virtual IP"
				focused={form.isFocused('network.vip')}
				problems={kit.messages('network.vip')}
				note={subnet ? `a free address in ${subnet} that no host uses; clients connect to it` : 'a free address in the balancers\u2019 subnet; clients connect to it'}
			>
				{text('network.vip', network.vip, 'e.g. 192.168.100.56')}
			</FieldLine>
			<FieldLine label="Prefix length" focused={form.isFocused('network.prefix')} problems={kit.messages('network.prefix')} note="of the hosts' subnet: 24 for a /24">
				{text('network.prefix', network.prefix)}
			</FieldLine>
			<FieldLine
				label="Interface"
				focused={form.isFocused('network.interface')}
				problems={kit.messages('network.interface')}
				note={found.length > 0 ? `found on the balancers: ${found.join(', ')}` : 'the balancers reported none; pgha finds it at install'}
			>
				<ChoiceCell label={interfaces[interfaceIndex] || 'find it on the balancers'} focused={form.isFocused('network.interface')} />
			</FieldLine>
			<FieldLine
				label="VRRP router id"
				focused={form.isFocused('network.vrrpRouterId')}
				problems={kit.messages('network.vrrpRouterId')}
				note="1-255; must differ from every other VRRP router on the LAN"
			>
				{text('network.vrrpRouterId', network.vrrpRouterId)}
			</FieldLine>
			<StepActions kit={kit} problems={kit.unplaced(path => fieldPaths.includes(path))} />
		</Box>
	);
}
