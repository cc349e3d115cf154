#!/usr/bin/env node
// Node-side checks of the payload contract, used by tests/test_video_*.py.
//   node worker/bin/payload-tool.mjs json-schema          z.toJSONSchema() of the zod schema
//   node worker/bin/payload-tool.mjs validate FILE|-      prints {"ok":true} or {"ok":false,"error":"invalid payload: ..."}
//   node worker/bin/payload-tool.mjs validate-each FILE  FILE is a JSON array of payloads; prints a result array
//   node worker/bin/payload-tool.mjs storyboard FILE|-    the storyboard (scenes with their translated props, poster) as JSON
//   node worker/bin/payload-tool.mjs timeline FILE|-      getTimeline(payload) as JSON
import fs from 'node:fs';
import {loadLib} from '../lib.mjs';

const [command, file] = process.argv.slice(2);
const lib = await loadLib();

const readPayload = () => JSON.parse(fs.readFileSync(file === '-' || !file ? 0 : file, 'utf8'));
const print = (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

switch (command) {
	case 'json-schema':
		print(lib.payloadJsonSchema());
		break;
	case 'validate':
		try {
			lib.parsePayload(readPayload());
			print({ok: true});
		} catch (err) {
			print({ok: false, error: String(err)});
		}
		break;
	case 'validate-each':
		// FILE holds a JSON array of payloads; prints one result per payload, in order.
		print(
			readPayload().map((payload) => {
				try {
					lib.parsePayload(payload);
					return {ok: true};
				} catch (err) {
					return {ok: false, error: String(err)};
				}
			}),
		);
		break;
	case 'storyboard':
		print(lib.buildStoryboard(lib.parsePayload(readPayload())));
		break;
	case 'timeline':
		print(lib.getTimeline(lib.parsePayload(readPayload())));
		break;
	default:
		process.stderr.write('usage: payload-tool.mjs json-schema | validate FILE | validate-each FILE | storyboard FILE | timeline FILE\n');
		process.exit(2);
}
