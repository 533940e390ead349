import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { XmlApiError } from './xml-api-error';

/** One element of a packet: its name, attributes, child elements in order, and its text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Deeper than any Plesk packet (packet/webspace/add/hosting/vrt_hst/property/value is 7). */
export const MAX_XML_DEPTH = 24;
/** Elements in one packet: a billing packet has tens. */
export const MAX_XML_ELEMENTS = 5000;

const PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // No DOCTYPE or entity processing at all: the five predefined entities and character
  // references are decoded below, anything else is refused.
  processEntities: false,
  htmlEntities: false,
  maxNestedTags: MAX_XML_DEPTH,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
} as const;

const parser = new XMLParser(PARSER_OPTIONS);

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five XML entities and character references, in one pass (no double decoding); any other entity → 1014. */
function decode(text: string): string {
  return text.replace(/&([^;&\s]{0,10});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw parseError('a bare & in text (write &amp;)');
    if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name];
    const code = /^#x[0-9a-f]{1,6}$/i.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]{1,7}$/.test(name) ? Number(name.slice(1)) : NaN;
    if (Number.isNaN(code)) throw parseError(`the entity &${name.slice(0, 10)}; (entities are not supported)`);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) throw parseError('a character reference out of range');
    return String.fromCodePoint(code);
  });
}

function parseError(what: string): XmlApiError {
  return new XmlApiError(1014, `XML parsing error: ${what}`);
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/**
 * Reads a request packet: refuses any DOCTYPE, ENTITY or other markup declaration before the
 * library sees the text (no DTD, no entity expansion, no external reference), validates it with
 * fast-xml-parser, bounds depth and element count, and answers the `packet` root.
 */
export function parsePacket(raw: unknown): XmlElement {
  if (typeof raw !== 'string' || raw.trim() === '') throw parseError('the request body is empty or not XML (send Content-Type: text/xml)');
  if (/<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(raw)) throw parseError('DTDs and entity declarations are not allowed');
  const valid = XMLValidator.validate(raw, { allowBooleanAttributes: false });
  if (valid !== true) throw parseError(`${valid.err.msg} (line ${valid.err.line})`);
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(raw) as OrderedNode[];
  } catch (error) {
    throw parseError((error as Error).message);
  }
  const count = { elements: 0 };
  const roots = nodes.map((n) => toElement(n, 1, count)).filter((e): e is XmlElement => e !== null);
  if (roots.length !== 1 || roots[0].name !== 'packet') throw parseError('the document must have one root element, packet');
  return roots[0];
}

function toElement(node: OrderedNode, depth: number, count: { elements: number }): XmlElement | null {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (!name || name === '#text' || name === '#cdata') return null;
  if (depth > MAX_XML_DEPTH) throw parseError(`nesting deeper than ${MAX_XML_DEPTH} levels`);
  if (++count.elements > MAX_XML_ELEMENTS) throw parseError(`more than ${MAX_XML_ELEMENTS} elements`);
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(node[':@'] ?? {})) attrs[k] = decode(String(v));
  const element: XmlElement = { name, attrs, children: [], text: '' };
  let text = '';
  for (const child of (node[name] as OrderedNode[]) ?? []) {
    if ('#text' in child) text += decode(String(child['#text']));
    else if ('#cdata' in child) text += ((child['#cdata'] as OrderedNode[]) ?? []).map((c) => String(c['#text'] ?? '')).join('');
    else {
      const sub = toElement(child, depth + 1, count);
      if (sub) element.children.push(sub);
    }
  }
  element.text = element.children.length ? '' : text.trim();
  return element;
}

/** The first child named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** The text of the first child named `name` (undefined when absent). */
export function textOf(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text;
}

// ---------------------------------------------------------------------------------------------
// Answers

/** An answer node: an element with children, or a leaf with text. */
export type XmlNode = { name: string; attrs?: Record<string, string>; children?: XmlNode[]; text?: string | number | boolean | null };

export const el = (name: string, ...children: XmlNode[]): XmlNode => ({ name, children });
export const leaf = (name: string, text: string | number | boolean | null | undefined): XmlNode => ({ name, text: text ?? '' });

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${Object.keys(PREDEFINED).find((k) => PREDEFINED[k] === c)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** Writes an answer; `pretty` indents like Plesk's HTTP_PRETTY_PRINT. */
export function render(root: XmlNode, pretty: boolean): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const nl = pretty ? '\n' : '';
  const write = (node: XmlNode, depth: number): void => {
    const pad = pretty ? '  '.repeat(depth) : '';
    const attrs = Object.entries(node.attrs ?? {})
      .map(([k, v]) => ` ${k}="${escape(v)}"`)
      .join('');
    if (node.children?.length) {
      out.push(`${pad}<${node.name}${attrs}>`);
      for (const c of node.children) write(c, depth + 1);
      out.push(`${pad}</${node.name}>`);
    } else if (node.children || node.text === '' || node.text === undefined || node.text === null) {
      out.push(`${pad}<${node.name}${attrs}/>`);
    } else {
      out.push(`${pad}<${node.name}${attrs}>${escape(String(node.text))}</${node.name}>`);
    }
  };
  write(root, 0);
  return out.join(nl) + nl;
}
