// @ts-check
// Bundles cli.tsx into dist/cli.js (`npm run build` runs it after tsc, whose
// dist/source and dist/bench the benchmarks still use). One file loads far
// faster than hundreds of small modules found one by one, and React and Ink
// run their production builds. Each lazy import() of a command stays a chunk
// of its own, so `pgha validate` never loads Ink or SSH.
import {chmod, readFile, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {build} from 'esbuild';

const root = import.meta.dirname;
const outdir = join(root, 'dist');

// Left in node_modules and loaded from there: ssh2 finds its native crypto and
// cpu-features' addon by paths relative to their own files; pg-native and
// react-devtools-core are optional and not installed.
const external = ['ssh2', 'cpu-features', 'pg-native', 'react-devtools-core'];

// Yoga (Ink's layout) reads its WebAssembly from a data: URL with fetch()
// whenever fetch exists, and Node's fetch loads all of undici first: 40 ms of
// CPU before the wizard's first frame. Without fetch it decodes the same
// bytes itself.
/** @type {import('esbuild').Plugin} */
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(plugin) {
		plugin.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, async args => {
			const source = await readFile(args.path, 'utf8');
			const patched = source.replaceAll('"function"!=typeof fetch', '!0');
			if (patched === source) return {errors: [{text: `${args.path} no longer tests for fetch as build-cli.mjs expects; look again at how it loads its WebAssembly`}]};
			return {contents: patched, loader: 'js'};
		});
	},
};

await rm(join(outdir, 'chunks'), {recursive: true, force: true});
await build({
	absWorkingDir: root,
	entryPoints: ['cli.tsx'],
	outdir,
	entryNames: '[name]',
	chunkNames: 'chunks/[name]-[hash]',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	external,
	plugins: [yogaWithoutFetch],
	define: {'process.env.NODE_ENV': '"production"'},
	// Bundled CommonJS packages require() Node's own modules, and an ES module has no require of its own.
	banner: {js: "import {createRequire as __pghaCreateRequire} from 'node:module';\nconst require = __pghaCreateRequire(import.meta.url);"},
	sourcemap: 'linked',
	legalComments: 'none',
	logLevel: 'warning',
});
await chmod(join(outdir, 'cli.js'), 0o755);
