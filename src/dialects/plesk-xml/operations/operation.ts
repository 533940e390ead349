import { Principal } from '../../../auth/principal';
import { Scope } from '../../../auth/scopes';
import { XmlElement, XmlNode } from '../xml-codec';

/** What a handler knows of the packet it runs in. */
export interface XmlOperationContext {
  principal: Principal;
  /** The packet's protocol version (`version` attribute), e.g. 1.6.3.0. */
  version: string;
}

/** One (operator, operation) pair: the scopes it needs and the handler, which answers the operation's children (its results). */
export interface XmlOperation {
  operator: string;
  operation: string;
  scopes: Scope[];
  handle(op: XmlElement, ctx: XmlOperationContext): Promise<XmlNode[]>;
}

/** Something that contributes operations to the registry (one class per operator). */
export interface XmlOperator {
  operations(): XmlOperation[];
}

/** Plesk's dates: YYYY-MM-DD. */
export const day = (date: Date): string => date.toISOString().slice(0, 10);

/** MiB → bytes; 0 (unlimited in Hostwright) → -1 (unlimited in Plesk). */
export const limitBytes = (mb: number | null | undefined): number => (!mb ? -1 : mb * 1024 * 1024);
/** A count limit; 0 → -1 (unlimited). */
export const limitCount = (n: number): number => (n === 0 ? -1 : n);
/** A use in MiB → bytes, as Plesk writes usage; not measured yet (null) → 0, what Plesk shows for a new webspace. */
export const bytesOf = (mb: number | null): number => (mb === null ? 0 : Math.round(mb * 1024 * 1024));
