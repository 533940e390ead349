import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import { assertSafeSetting, assertSafeValue } from '../../agent-protocol/safe-values';

export const TEMPLATE_NAMES = ['nginx-vhost.conf', 'nginx-vhost-suspended.conf', 'php-fpm-pool.conf', 'index.html'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/**
 * Operator settings every template may use: `{{root}}` (the rootDir prefix, empty for `/`),
 * `{{listen}}` and `{{web_group}}` (nginx's group, HW_WEB_GROUP; `www-data` unless given).
 */
export interface RenderSettings {
  root: string;
  listen: string;
  webGroup?: string;
  /** `{{tls_listen}}`: the TLS side of vhosts with a certificate (HW_NGINX_TLS_LISTEN; `443` unless given). */
  tlsListen?: string;
}

/** Sections a template may switch on (`{{#tls}}`); booleans only, so they carry no text into a file. */
export type RenderFlags = Partial<Record<'tls' | 'redirect', boolean>>;

/**
 * Logic-less rendering from the operator's template folder. Every value passes the wall first;
 * one bad value throws before anything is rendered, so nothing is ever written from it.
 */
export class TemplateRenderer {
  private readonly settings: { root: string; listen: string; web_group: string; tls_listen: string };

  constructor(
    private readonly templatesDir: string,
    settings: RenderSettings,
  ) {
    this.settings = {
      root: assertSafeSetting('HW_ROOT_DIR', settings.root),
      listen: assertSafeSetting('HW_NGINX_LISTEN', settings.listen),
      web_group: assertSafeSetting('HW_WEB_GROUP', settings.webGroup ?? 'www-data'),
      tls_listen: assertSafeSetting('HW_NGINX_TLS_LISTEN', settings.tlsListen ?? '443'),
    };
  }

  render(name: TemplateName, values: Record<string, string>, flags: RenderFlags = {}): string {
    for (const [field, value] of Object.entries(values)) assertSafeValue(field, value);
    const template = readFileSync(join(this.templatesDir, `${name}.mustache`), 'utf8');
    const on = { tls: flags.tls === true, redirect: flags.tls === true && flags.redirect === true };
    return Mustache.render(template, { ...values, ...this.settings, ...on }, {}, { escape: (text: string) => String(text) });
  }
}

/** `{{root}}` for a rootDir: empty in production (`/`), the folder itself in tests. */
export function rootPrefix(rootDir: string): string {
  return rootDir === '/' ? '' : rootDir.replace(/\/+$/, '');
}
