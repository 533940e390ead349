/**
 * Mixed-script detection after Unicode UTS #39 §5.1–5.2 ("Highly Restrictive"), on the
 * Script_Extensions data of the JavaScript engine (`\p{scx=…}`, the Unicode version of Node's
 * ICU): no npm package, no table of our own to keep up to date.
 *
 * A label passes when all its characters share a script (Common and Inherited ones — digits,
 * hyphen, combining marks — go with any), with Han, Hiragana, Katakana, Hangul and Bopomofo
 * augmented as UTS #39 says (Japanese, Korean and Chinese writing mix them), or when Latin is
 * mixed only with one of those CJK writings. `pаypal` with a Cyrillic `а` fails.
 */

/** ISO 15924 codes of the Unicode scripts; those this engine does not know are skipped. */
const SCRIPT_CODES = (
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi Buhd Cakm Cans Cari Cham Cher ' +
  'Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag Gong Gonm Goth Gran Grek Gujr ' +
  'Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai ' +
  'Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym Modi Mong ' +
  'Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm Phag ' +
  'Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sidt Sind Sinh Sogd Sogo Sora Soyo Sund ' +
  'Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg ' +
  'Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb'
).split(' ');

const SCRIPTS: { code: string; test: RegExp }[] = SCRIPT_CODES.flatMap((code) => {
  try {
    return [{ code, test: new RegExp(`^\\p{scx=${code}}$`, 'u') }];
  } catch {
    return [];
  }
});

/** UTS #39 §5.1: the writing systems that combine several scripts. */
const AUGMENT: Record<string, string[]> = {
  Hani: ['Hanb', 'Jpan', 'Kore'],
  Hira: ['Jpan'],
  Kana: ['Jpan'],
  Hang: ['Kore'],
  Bopo: ['Hanb'],
};
const CJK_WRITINGS = ['Jpan', 'Hanb', 'Kore'];

/** The augmented script set of one character; null: any script (Common, Inherited). */
function scriptSet(ch: string): Set<string> | null {
  if (/^[a-zA-Z]$/.test(ch)) return new Set(['Latn']);
  if (ch.charCodeAt(0) < 0x80) return null;
  const set = new Set<string>();
  for (const { code, test } of SCRIPTS) {
    if (!test.test(ch)) continue;
    set.add(code);
    for (const extra of AUGMENT[code] ?? []) set.add(extra);
  }
  return set.size ? set : null;
}

function resolve(sets: (Set<string> | null)[]): Set<string> | null {
  let resolved: string[] | null = null;
  for (const set of sets) {
    if (set) resolved = resolved === null ? [...set] : resolved.filter((code: string) => set.has(code));
  }
  return resolved === null ? null : new Set(resolved);
}

const displayNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'script' });
  } catch {
    return null;
  }
})();

function scriptName(code: string): string {
  return displayNames?.of(code) ?? code;
}

/** The scripts a mixed label mixes, by name ("Cyrillic, Latin"), or null when the label passes. */
export function mixedScripts(label: string): string | null {
  const sets = Array.from(label, scriptSet);
  const resolved = resolve(sets);
  if (!resolved || resolved.size > 0) return null;
  // Highly Restrictive: Latin with one CJK writing (Japanese, Chinese, Korean) is allowed.
  const rest = resolve(sets.filter((set) => !set?.has('Latn')));
  if (rest && CJK_WRITINGS.some((code) => rest.has(code))) return null;
  const seen = new Set<string>();
  for (const set of sets) {
    const first = set && [...set].find((code) => !CJK_WRITINGS.includes(code));
    if (first) seen.add(scriptName(first));
  }
  return [...seen].sort().join(', ');
}
