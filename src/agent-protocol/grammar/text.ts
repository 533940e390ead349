/**
 * Rules for text the panel stores and shows: one string is accepted as sent or refused, never
 * rewritten (no trimming, no case folding, no truncation).
 */

/** A field's refusal: the field as the caller named it and why. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * C0 and C1 controls and DEL (NUL, CR, LF, TAB, ESC…), and the line/paragraph separators
 * U+2028/U+2029, which end a line in many readers.
 */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * Bidirectional controls (the "Trojan Source" characters): LRE RLE PDF LRO RLO U+202A–U+202E,
 * LRI RLI FSI PDI U+2066–U+2069, LRM RLM U+200E/U+200F, ALM U+061C; and the BOM U+FEFF.
 * They reorder what a person reads without changing what a program compares.
 */
export const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** False when the string holds a lone surrogate (what String#isWellFormed tests, ES2024). */
export function isWellFormed(value: string): boolean {
  return !/\p{Cs}/u.test(value);
}

/** A character the test in {@link textProblem} refuses, as `U+XXXX`, for the message. */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Free text (a client's name, a company, a suspend reason, a description): any printable
 * Unicode, `min`–`max` UTF-16 units, well-formed (no lone surrogate: it would be stored as
 * U+FFFD), no control and no bidi character.
 */
export function textProblem(field: string, value: unknown, max: number, min = 1): string | null {
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length < min || value.length > max) return min === max ? `${field} must be ${max} characters` : `${field} must be ${min} to ${max} characters`;
  if (!isWellFormed(value)) return `${field} is not well-formed Unicode (a lone surrogate)`;
  const control = CONTROL.exec(value);
  if (control) return `${field} must not contain control characters (found ${codePointName(control[0])})`;
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) return `${field} must not contain bidirectional or invisible formatting characters (found ${codePointName(bidi[0])})`;
  return null;
}
