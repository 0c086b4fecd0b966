import {useState} from 'react';
import {Box} from 'ink';
import {ChoiceCell, FieldLine, TextCell} from '../form/cells.js';
import type {FieldSpec} from '../form/form-focus.js';
import type {SshMethod} from '../wizard-model.js';
import {StepActions, useStep, type StepProps} from './step-kit.js';

const methods: Array<{id: SshMethod; label: string}> = [
	{id: 'key', label: 'a key file'},
	{id: 'agent', label: 'the SSH agent (SSH_AUTH_SOCK)'},
	{id: 'password', label: 'a password'},
];

const fieldPaths = ['ssh.user', 'ssh.port', 'ssh.identityFile', 'ssh.password', 'ssh.sudoPassword'];

/** How pgha logs in to the hosts: user, port, key file, agent or password, and sudo. */
export function SshStep(props: StepProps) {
	const {state, dispatch} = props;
	const {ssh} = state;
	const set = (field: keyof typeof ssh) => (value: string) => dispatch({type: 'set-ssh', field, value});
	// Typing a path is a mode of its own, so a path that happens to match a found key does not switch the field away mid-typing.
	const [ownPath, setOwnPath] = useState(() => ssh.identityFile !== '' && !state.sshKeys.includes(ssh.identityFile));
	const typingPath = ownPath || state.sshKeys.length === 0;
	const keyOptions = [...state.sshKeys, 'another file…'];
	const keyIndex = typingPath ? state.sshKeys.length : Math.max(state.sshKeys.indexOf(ssh.identityFile), 0);
	const methodIndex = methods.findIndex(m => m.id === ssh.method);

	const rows: FieldSpec[][] = [];
	const text = (id: string, value: string, onChange: (value: string) => void) =>
		({kind: 'text', id, value, onChange, onBlur: () => dispatch({type: 'touch', field: id})}) as const;
	rows.push([text('ssh.user', ssh.user, set('user'))]);
	rows.push([text('ssh.port', ssh.port, set('port'))]);
	rows.push([{kind: 'choice', id: 'ssh.method', count: methods.length, index: methodIndex, onSelect: index => set('method')(methods[index]!.id)}]);
	if (ssh.method === 'key') {
		if (state.sshKeys.length > 0)
			rows.push([
				{
					kind: 'choice',
					id: 'ssh.key',
					count: keyOptions.length,
					index: keyIndex,
					onSelect: index => {
						const own = index === state.sshKeys.length;
						setOwnPath(own);
						set('identityFile')(own ? '' : state.sshKeys[index]!);
					},
				},
			]);
		if (typingPath) rows.push([text('ssh.identityFile', ssh.identityFile, set('identityFile'))]);
	}
	if (ssh.method === 'password') rows.push([text('ssh.password', ssh.password, set('password'))]);
	if (ssh.user !== 'root') rows.push([text('ssh.sudoPassword', ssh.sudoPassword, set('sudoPassword'))]);
	const kit = useStep(props, 'ssh', rows, path => {
		if (path === 'ssh.identityFile') return typingPath ? path : 'ssh.key';
		return fieldPaths.includes(path) ? path : undefined;
	});
	const {form} = kit;
	const textCell = (id: string, value: string, extra: {mask?: boolean; placeholder?: string} = {}) => (
		<TextCell value={value} focused={form.isFocused(id)} cursor={form.cursor} {...extra} />
	);
	return (
		<Box flexDirection="column">
			<FieldLine label="User" focused={form.isFocused('ssh.user')} problems={kit.messages('ssh.user')} note="root, or a user with sudo">
				{textCell('ssh.user', ssh.user)}
			</FieldLine>
			<FieldLine label="Port" focused={form.isFocused('ssh.port')} problems={kit.messages('ssh.port')}>
				{textCell('ssh.port', ssh.port)}
			</FieldLine>
			<FieldLine label="Log in with" focused={form.isFocused('ssh.method')}>
				<ChoiceCell label={methods[methodIndex]!.label} focused={form.isFocused('ssh.method')} />
			</FieldLine>
			{ssh.method === 'key' && state.sshKeys.length > 0 ? (
				<FieldLine
					label="Key file"
					focused={form.isFocused('ssh.key')}
					problems={typingPath ? [] : kit.messages('ssh.identityFile')}
					note={`${state.sshKeys.length} key(s) found in ~/.ssh`}
				>
					<ChoiceCell label={keyOptions[keyIndex]!} focused={form.isFocused('ssh.key')} />
				</FieldLine>
			) : null}
			{ssh.method === 'key' && typingPath ? (
				<FieldLine label="Key file path" focused={form.isFocused('ssh.identityFile')} problems={kit.messages('ssh.identityFile')}>
					{textCell('ssh.identityFile', ssh.identityFile, {placeholder: '~/.ssh/id_ed25519'})}
				</FieldLine>
			) : null}
			{ssh.method === 'password' ? (
				<FieldLine label="SSH password" focused={form.isFocused('ssh.password')} problems={kit.messages('ssh.password')}>
					{textCell('ssh.password', ssh.password, {mask: true})}
				</FieldLine>
			) : null}
			{ssh.user !== 'root' ? (
				<FieldLine
					label="sudo password"
					focused={form.isFocused('ssh.sudoPassword')}
					problems={kit.messages('ssh.sudoPassword')}
					note="leave empty when sudo needs no password (NOPASSWD)"
				>
					{textCell('ssh.sudoPassword', ssh.sudoPassword, {mask: true})}
				</FieldLine>
			) : null}
			<StepActions kit={kit} problems={kit.unplaced(path => fieldPaths.includes(path))} />
		</Box>
	);
}
