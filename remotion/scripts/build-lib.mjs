#!/usr/bin/env node
// Bundle src/lib.ts (schema, plan, timeline; no React) into one ESM file Node can import.
//   node scripts/build-lib.mjs [OUT.mjs]     (default: <tmpdir>/dream-recap-lib.mjs)
// Uses the esbuild that ships with @remotion/bundler; takes ~0.1 s.
import {build} from 'esbuild';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const buildLib = async (outfile = path.join(os.tmpdir(), `dream-recap-lib-${process.pid}.mjs`)) => {
	await build({
		entryPoints: [path.join(root, 'src', 'lib.ts')],
		outfile,
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node18',
		logLevel: 'error',
	});
	return outfile;
};

/** Build and import the library in one go. */
export const loadLib = async (outfile) => import(pathToFileURL(await buildLib(outfile)).href);

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const out = await buildLib(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
	process.stdout.write(`${out}\n`);
}
