import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-catalogue';
import { ErrorDialect, ErrorDialectProvider } from '../../common/errors/error-dialect';
import { XmlApiError } from './xml-api-error';
import { el, leaf, render, XmlNode } from './xml-codec';

export { XmlApiError };

/** The one path of the XML API. */
export const AGENT_PATH = '/enterprise/control/agent.php';
export const isAgentPath = (path: string): boolean => path === AGENT_PATH;

/** The protocol version Hostwright answers with (the highest it speaks). */
export const ANSWER_VERSION = '1.6.9.1';

/** Plesk's XML error codes that Hostwright answers with. */
export const XML_ERRCODES = {
  authentication: 1001,
  protocolVersion: 1005,
  permissionDenied: 1006,
  exists: 1007,
  notFound: 1013,
  parse: 1014,
  operationFailed: 1023,
} as const;

/** What a catalogue code becomes in Plesk's numbers. */
const ERRCODE_OF: Partial<Record<ErrorCode, number>> = {
  unauthenticated: XML_ERRCODES.authentication,
  forbidden: XML_ERRCODES.permissionDenied,
  not_found: XML_ERRCODES.notFound,
  bad_request: XML_ERRCODES.parse,
  payload_too_large: XML_ERRCODES.parse,
  unsupported_media_type: XML_ERRCODES.parse,
};

/** Any error → Plesk's errcode/errtext: a taken unique value is 1007, anything not listed 1023. */
export function xmlErrorOf(error: unknown): XmlApiError {
  if (error instanceof XmlApiError) return error;
  if (!(error instanceof DomainError)) return new XmlApiError(XML_ERRCODES.operationFailed, 'Operation failed: an unexpected error (it has been logged)');
  if (error.code === 'conflict' && error.details?.length) return new XmlApiError(XML_ERRCODES.exists, error.message);
  const code = ERRCODE_OF[error.code] ?? XML_ERRCODES.operationFailed;
  const text = error.details?.length ? `${error.message}: ${error.details.map((d) => d.message).join('; ')}` : error.message;
  return new XmlApiError(code, text);
}

/** `<result><status>error</status><errcode/><errtext/>…</result>`, with any extra nodes (filter-id, id). */
export function errorResult(error: XmlApiError, ...extra: XmlNode[]): XmlNode {
  return el('result', leaf('status', 'error'), leaf('errcode', error.errcode), leaf('errtext', error.errtext), ...extra);
}

/** A pre-check failure: the whole packet is answered by one `<system>` error. */
export function systemPacket(error: XmlApiError, pretty: boolean): string {
  const system = el('system', leaf('status', 'error'), leaf('errcode', error.errcode), leaf('errtext', error.errtext));
  return render({ name: 'packet', attrs: { version: ANSWER_VERSION }, children: [system] }, pretty);
}

/**
 * Errors that reach the exception filter on the agent path — a refused credential, a body too
 * large or of the wrong type, a rate limit — answer as Plesk does: HTTP 200 and a `<system>` error
 * packet (billing modules read the XML, not the status).
 */
@ErrorDialectProvider()
@Injectable()
export class PleskXmlErrors implements ErrorDialect {
  matches = isAgentPath;
  contentType = 'text/xml; charset=utf-8';

  status(): number {
    return 200;
  }

  body(e: DomainError): string {
    return systemPacket(xmlErrorOf(e), false);
  }
}
