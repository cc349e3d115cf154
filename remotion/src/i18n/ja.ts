import type {Strings} from './types';

/** Japanese has a single plural category ("other"): the plural argument is never needed. */
export const ja: Strings = {
	lang: 'ja',
	appName: 'Dream Recap',
	intro: {
		greeting: 'こんにちは',
		fallbackName: '夢見るあなた',
		lead: 'これがあなたの',
		tail: '年の夢',
	},
	total: {
		eyebrow: '今年あなたが記録したのは',
		unit: () => '件の夢',
		more: (diff) => `平均より${diff}件多く記録しました。`,
		fewer: (diff) => `平均より${diff}件少ない記録でした。`,
		equal: '平均とぴったり同じ。完璧なバランスです。',
		average: (average) => `平均：${average}件`,
		badge: (percent) => `夢の記録 上位${percent}`,
		previousYear: (count, year) => `${year}年は${count}件`,
	},
	lucid: {
		label: () => '明晰夢',
		caption: '夢の中で、夢だと気づいていました。',
		captionZero: '来年は、夢の舵をとってみよう。',
	},
	nightmares: {
		label: () => '悪夢',
		caption: 'そして毎回、ちゃんと目覚めました。',
		captionZero: 'ひとつもなし。いい夢ばかりでしたね。',
	},
	streak: {
		eyebrow: '最長連続記録',
		unit: () => '夜連続',
		caption: '夢を覚えていました',
	},
	month: {
		eyebrow: 'いちばん夢を見た月',
		caption: '夢でいっぱいのひと月でした',
	},
	persons: {eyebrow: 'よく登場した人', title: '夢に現れた人たち'},
	places: {eyebrow: 'よく訪れた場所', title: '夢で訪れた場所'},
	emotions: {eyebrow: 'よく感じた気持ち', title: 'いちばん強く感じたこと'},
	inDreams: (count) => `夢に${count}回`,
	outro: {
		line: '次に会うのは',
		tagline: 'よい夢を。',
	},
	poster: {
		title: 'わたしの夢の一年',
		dreams: () => '件の夢',
		lucid: () => '明晰夢',
		nightmares: () => '悪夢',
		streak: () => '夜連続',
		month: 'いちばん夢を見た月',
		topPerson: 'トップの人物',
		topPlace: 'トップの場所',
		topEmotion: 'トップの感情',
	},
	share: {
		title: (name, year) => (name === null ? `わたしの${year}年の夢` : `${name}さんの${year}年の夢`),
		description: (count, year) => `${year}年に記録した夢は${count}件。短い動画にまとめました。`,
		line: '一年分の夜を、30秒ほどで。',
		cta: 'あなたの夢の一年をつくろう',
		noVideo: 'このブラウザではここで動画を再生できません。',
		download: '動画をダウンロード',
	},
};
