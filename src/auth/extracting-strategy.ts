import { Strategy as PassportBaseStrategy } from 'passport-strategy';
import { Principal } from './principal';

export interface HeaderRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
  method?: string;
  /** The request target as received: path and query string. */
  url?: string;
}

export type Verify<C> = (credential: C, done: (error: unknown, user?: Principal | false) => void) => void;

export function firstHeader(request: HeaderRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A passport strategy that reads a credential from the request and hands it to `verify`. */
export abstract class ExtractingStrategy<C> extends PassportBaseStrategy {
  constructor(private readonly verify: Verify<C>) {
    super();
  }

  /** The credential, or undefined when the request carries none of this kind. */
  protected abstract extract(request: HeaderRequest): C | undefined;

  authenticate(request: HeaderRequest): void {
    const credential = this.extract(request);
    if (credential === undefined) return this.fail(401);
    this.verify(credential, (error, user) => {
      if (error) return this.error(error as Error);
      if (!user) return this.fail(401);
      this.success(user);
    });
  }
}
