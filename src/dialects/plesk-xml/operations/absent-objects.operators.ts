import { Injectable } from '@nestjs/common';
import { Scope } from '../../../auth/scopes';
import { XmlApiError } from '../xml-api-error';
import { leaf, XmlElement, XmlNode } from '../xml-codec';
import { errorResult, XML_ERRCODES } from '../xml-errors';
import { filterItems } from './filters';
import { XmlOperation, XmlOperator } from './operation';

/**
 * A `get` over objects Hostwright does not have: an empty filter answers no result (truthfully:
 * there are none), each filter item answers 1013, as Plesk does for an object that does not exist.
 */
function getNone(what: string, keys: readonly string[]): (op: XmlElement) => Promise<XmlNode[]> {
  return async (op) => {
    const items = filterItems(op, keys);
    return (items ?? []).map((item) => errorResult(new XmlApiError(XML_ERRCODES.notFound, `${what} does not exist`), leaf('filter-id', item.value)));
  };
}

function refuse(text: string): () => Promise<XmlNode[]> {
  return async () => {
    throw new XmlApiError(XML_ERRCODES.operationFailed, `Operation failed: ${text}`);
  };
}

const NO_RESELLERS = 'Hostwright has no resellers: every client belongs to the administrator';
const NO_ADDONS = 'Hostwright has no add-on plans: an account has exactly one package';

/**
 * Operators billing modules send beside the lifecycle, over objects Hostwright has none of:
 * resellers and reseller plans, add-on plans (service-plan-addon, and a webspace's add-on
 * subscriptions), and sites besides a webspace's own domain (WHMCS's usage packet asks for the
 * child sites' traffic with `site get` by parent-name). Reads answer empty; writes a 1023 that says why.
 */
@Injectable()
export class AbsentObjectsOperator implements XmlOperator {
  operations(): XmlOperation[] {
    const op = (operator: string, operation: string, scopes: Scope[], handle: (op: XmlElement) => Promise<XmlNode[]>): XmlOperation => ({
      operator,
      operation,
      scopes,
      handle,
    });
    return [
      op('reseller', 'get', ['clients:read'], getNone('reseller', ['id', 'login', 'guid', 'external-id'])),
      ...['add', 'set', 'del', 'convert-to-customer', 'switch-subscription'].map((name) => op('reseller', name, ['clients:write'], refuse(NO_RESELLERS))),
      op('reseller-plan', 'get', ['packages:read'], getNone('reseller plan', ['id', 'name', 'guid', 'external-id'])),
      ...['add', 'set', 'del'].map((name) => op('reseller-plan', name, ['packages:write'], refuse(NO_RESELLERS))),
      op('service-plan-addon', 'get', ['packages:read'], getNone('service plan add-on', ['id', 'name', 'guid', 'external-id', 'owner-id', 'owner-login'])),
      ...['add', 'set', 'del'].map((name) => op('service-plan-addon', name, ['packages:write'], refuse(NO_ADDONS))),
      ...['add-subscription', 'remove-subscription'].map((name) => op('webspace', name, ['accounts:write'], refuse(NO_ADDONS))),
      op('site', 'get', ['accounts:read'], async (o) => {
        // A webspace's own domain is the webspace; Hostwright has no further sites, so parent filters find none.
        const items = filterItems(o, ['id', 'name', 'guid', 'parent-id', 'parent-name', 'parent-guid']);
        return (items ?? [])
          .filter((i) => !i.key.startsWith('parent-'))
          .map((i) =>
            errorResult(new XmlApiError(XML_ERRCODES.notFound, 'site does not exist: the webspace operator manages a domain here'), leaf('filter-id', i.value)),
          );
      }),
    ];
  }
}
