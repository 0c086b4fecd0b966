import {describe, expect, it} from 'vitest';
import {joinStanzas, packagesIndexFor, splitStanzas, stanzaField, withField} from '../../source/bundle/packages-index.js';

const index = `Package: alpha
Version: 1:1.0~rc1-1
Description: the first
 with a second line
Filename: debs/alpha_1.0~rc1-1_all.deb
SHA256: aa

Package: beta
Version: 2.0
Filename: debs/beta_2.0_amd64.deb

Package: gamma
Version: 3.0
Filename: pool/main/g/gamma/gamma_3.0_all.deb
`;

describe('Packages index', () => {
	it('splits stanzas and reads single-line fields, whatever their case', () => {
		const stanzas = splitStanzas(index);
		expect(stanzas.map(stanza => stanzaField(stanza, 'package'))).toEqual(['alpha', 'beta', 'gamma']);
		expect(stanzaField(stanzas[0]!, 'Version')).toBe('1:1.0~rc1-1');
		expect(stanzaField(stanzas[0]!, 'Depends')).toBeUndefined();
		expect(joinStanzas(stanzas)).toBe(index);
	});

	it('sets a field in place, or adds it at the end', () => {
		const [alpha] = splitStanzas(index);
		expect(withField(alpha!, 'Filename', 'debs/x.deb')).toBe(alpha!.replace('debs/alpha_1.0~rc1-1_all.deb', 'debs/x.deb'));
		expect(withField('Package: x', 'Size', '3')).toBe('Package: x\nSize: 3');
	});

	it('packagesIndexFor keeps only the stanzas of the given debs/ files', () => {
		const only = packagesIndexFor(index, new Set(['beta_2.0_amd64.deb', 'gamma_3.0_all.deb']));
		expect(splitStanzas(only).map(stanza => stanzaField(stanza, 'Package'))).toEqual(['beta']);
		expect(packagesIndexFor(index, new Set())).toBe('');
		expect(packagesIndexFor(index, new Set(['alpha_1.0~rc1-1_all.deb']))).toContain(' with a second line\n');
	});
});
