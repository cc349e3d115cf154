#!/usr/bin/env node
// Node-side checks of the payload contract, used by tests/test_video_*.py.
//   node worker/bin/payload-tool.mjs json-schema          z.toJSONSchema() of the zod schema
//   node worker/bin/payload-tool.mjs validate FILE|-      prints {"ok":true} or {"ok":false,"error":"invalid payload: ..."}
//   node worker/bin/payload-tool.mjs validate-each FILE  FILE is a JSON array of payloads; prints a result array
//   node worker/bin/payload-tool.mjs storyboard FILE|-    the storyboard (scenes with their translated props, poster) as JSON
//   node worker/bin/payload-tool.mjs storyboard-each FILE FILE is a JSON array of payloads; prints their storyboards
//   node worker/bin/payload-tool.mjs timeline FILE|-      getTimeline(payload) as JSON
//   node worker/bin/payload-tool.mjs share-each FILE      FILE is a JSON array of payloads; prints their share page words
//   node worker/bin/payload-tool.mjs locales [TAG...]     {"languages": [...], "resolved": [{tag, lang, intl}]}
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
	case 'storyboard-each':
		print(readPayload().map((payload) => lib.buildStoryboard(lib.parsePayload(payload))));
		break;
	case 'timeline':
		print(lib.getTimeline(lib.parsePayload(readPayload())));
		break;
	case 'share-each':
		print(readPayload().map((payload) => lib.shareText(lib.parsePayload(payload))));
		break;
	case 'locales':
		// The supported languages, and how each TAG (the literal "null" for no locale) resolves.
		print({
			languages: Object.keys(lib.LANGUAGES),
			resolved: process.argv.slice(3).map((tag) => {
				const {lang, intl} = lib.resolveLocale(tag === 'null' ? null : tag);
				return {tag, lang, intl};
			}),
		});
		break;
	default:
		process.stderr.write('usage: payload-tool.mjs json-schema | validate FILE | validate-each FILE | storyboard FILE | storyboard-each FILE | timeline FILE | share-each FILE | locales [TAG...]\n');
		process.exit(2);
}
