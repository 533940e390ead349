import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractingStrategy, firstHeader, HeaderRequest } from '../extracting-strategy';
import { Principal } from '../principal';
import { RequestSignatureService, SignedRequest } from './request-signature.service';

/** Passport strategy for X-Timestamp + X-Signature (billing modules that sign instead of sending a token). */
class HeaderSignatureStrategy extends ExtractingStrategy<SignedRequest> {
  name = 'signature';

  protected extract(request: HeaderRequest): SignedRequest | undefined {
    const timestamp = firstHeader(request, 'x-timestamp');
    const signature = firstHeader(request, 'x-signature');
    if (!timestamp || !signature) return undefined;
    return { timestamp: timestamp.trim(), signature: signature.trim(), rawBody: request.rawBody ?? Buffer.alloc(0) };
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
