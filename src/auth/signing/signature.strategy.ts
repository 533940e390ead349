import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractingStrategy, firstHeader, HeaderRequest } from '../extracting-strategy';
import { Principal } from '../principal';
import { RequestSignatureService, SignedRequest } from './request-signature.service';

/**
 * Passport strategy for signed requests (billing modules that sign instead of sending a token):
 * X-Timestamp + X-Signature, and for version 2 X-Signature-Version: 2 + X-Nonce. Without
 * X-Signature-Version (or with 1) a signature is version 1; any other version is refused.
 */
class HeaderSignatureStrategy extends ExtractingStrategy<SignedRequest> {
  name = 'signature';

  protected extract(request: HeaderRequest): SignedRequest | undefined {
    const timestamp = firstHeader(request, 'x-timestamp');
    const signature = firstHeader(request, 'x-signature');
    if (!timestamp || !signature) return undefined;
    const version = firstHeader(request, 'x-signature-version')?.trim() ?? '1';
    if (version !== '1' && version !== '2') return undefined;
    return {
      version: version === '2' ? 2 : 1,
      timestamp: timestamp.trim(),
      signature: signature.trim(),
      nonce: version === '2' ? firstHeader(request, 'x-nonce')?.trim() : undefined,
      method: request.method ?? '',
      target: request.url ?? '',
      rawBody: request.rawBody ?? Buffer.alloc(0),
    };
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
