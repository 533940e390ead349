import { Injectable, Logger } from '@nestjs/common';
import { Principal } from '../../auth/principal';
import { grants } from '../../auth/scopes';
import { AbsentObjectsOperator } from './operations/absent-objects.operators';
import { CustomerOperator } from './operations/customer.operator';
import { XmlOperation } from './operations/operation';
import { IpOperator, ServerOperator, ServicePlanOperator } from './operations/server.operators';
import { WebspaceOperator } from './operations/webspace.operator';
import { XmlApiError } from './xml-api-error';
import { el, parsePacket, XmlElement, XmlNode } from './xml-codec';
import { ANSWER_VERSION, errorResult, XML_ERRCODES, xmlErrorOf } from './xml-errors';

/** Operators that exist since protocol 1.6.0.0 (Plesk 10); older packets only negotiate. */
const SINCE_1_6 = new Set(['customer', 'webspace', 'service-plan', 'service-plan-addon', 'reseller-plan', 'site']);
/** Operations in one packet: billing modules send one to three. */
const MAX_OPERATIONS = 50;

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/**
 * One request packet: the pre-checks (XML, protocol version, every operation known) answer a
 * `<system>` error and run nothing; then each operation runs in order through the registry, and
 * answers its own results (a failing one does not stop the next, as in Plesk).
 */
@Injectable()
export class XmlPacketService {
  private readonly logger = new Logger('PleskXml');
  private readonly registry = new Map<string, XmlOperation>();

  constructor(customer: CustomerOperator, webspace: WebspaceOperator, server: ServerOperator, ip: IpOperator, plans: ServicePlanOperator, absent: AbsentObjectsOperator) {
    for (const operator of [customer, webspace, server, ip, plans, absent]) {
      for (const op of operator.operations()) this.registry.set(`${op.operator}/${op.operation}`, op);
    }
  }

  /** The answer packet's children and version; throws XmlApiError for a pre-check failure. */
  async run(body: unknown, principal: Principal): Promise<XmlNode> {
    const packet = parsePacket(body);
    const version = packet.attrs.version?.trim() || ANSWER_VERSION;
    if (!/^\d{1,3}(\.\d{1,3}){1,3}$/.test(version) || compareVersions(version, ANSWER_VERSION) > 0) {
      throw new XmlApiError(XML_ERRCODES.protocolVersion, `XML API protocol version ${version.slice(0, 20)} is not supported (server get_protos lists the versions)`);
    }
    const plan: { operator: XmlElement; ops: { element: XmlElement; operation: XmlOperation }[] }[] = [];
    let count = 0;
    for (const operator of packet.children) {
      if (SINCE_1_6.has(operator.name) && compareVersions(version, '1.6.0.0') < 0) {
        throw new XmlApiError(XML_ERRCODES.protocolVersion, `The operator ${operator.name} needs protocol 1.6.0.0 or later (this packet is ${version})`);
      }
      const ops = operator.children.map((element) => {
        const operation = this.registry.get(`${operator.name}/${element.name}`);
        if (!operation) throw new XmlApiError(XML_ERRCODES.parse, `XML parsing error: ${operator.name}/${element.name} is not a supported operation`);
        return { element, operation };
      });
      count += ops.length;
      if (count > MAX_OPERATIONS) throw new XmlApiError(XML_ERRCODES.parse, `XML parsing error: more than ${MAX_OPERATIONS} operations in one packet`);
      plan.push({ operator, ops });
    }
    if (!plan.length) throw new XmlApiError(XML_ERRCODES.parse, 'XML parsing error: the packet has no operations');

    const answer: XmlNode[] = [];
    for (const { operator, ops } of plan) {
      const done: XmlNode[] = [];
      for (const { element, operation } of ops) done.push(el(element.name, ...(await this.runOne(element, operation, principal, version))));
      answer.push(el(operator.name, ...done));
    }
    // Plesk answers in the version the packet was sent in.
    return { name: 'packet', attrs: { version }, children: answer };
  }

  private async runOne(element: XmlElement, operation: XmlOperation, principal: Principal, version: string): Promise<XmlNode[]> {
    const missing = operation.scopes.filter((s) => !grants(principal.scopes, s));
    if (missing.length) return [errorResult(new XmlApiError(XML_ERRCODES.permissionDenied, `Permission denied: this token lacks the scope ${missing.join(', ')}`))];
    try {
      return await operation.handle(element, { principal, version });
    } catch (error) {
      const xml = xmlErrorOf(error);
      if (!(error instanceof XmlApiError) && xml.errcode === XML_ERRCODES.operationFailed && !(error as { code?: string }).code) {
        this.logger.error(`${operation.operator}/${operation.operation}: ${(error as Error)?.stack ?? String(error)}`);
      }
      return [errorResult(xml)];
    }
  }
}
