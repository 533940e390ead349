import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as PassportBaseStrategy } from 'passport-strategy';
import { Principal } from '../principal';
import { RequestSignatureService, SignedRequest } from './request-signature.service';

type Verify = (request: SignedRequest, done: (error: unknown, user?: Principal | false) => void) => void;

interface RawRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
}

function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Passport strategy for X-Timestamp + X-Signature (billing modules that sign instead of sending a token). */
class HeaderSignatureStrategy extends PassportBaseStrategy {
  name = 'signature';

  constructor(private readonly verify: Verify) {
    super();
  }

  authenticate(request: RawRequest): void {
    const timestamp = header(request, 'x-timestamp');
    const signature = header(request, 'x-signature');
    if (!timestamp || !signature) return this.fail(401);
    this.verify({ timestamp: timestamp.trim(), signature: signature.trim(), rawBody: request.rawBody ?? Buffer.alloc(0) }, (error, user) => {
      if (error) return this.error(error as Error);
      if (!user) return this.fail(401);
      this.success(user);
    });
  }
}

@Injectable()
export class SignatureStrategy extends PassportStrategy(HeaderSignatureStrategy, 'signature') {
  constructor(private readonly signatures: RequestSignatureService) {
    super();
  }

  async validate(request: SignedRequest): Promise<Principal | false> {
    return (await this.signatures.verify(request)) ?? false;
  }
}
