import { ApiProperty } from '@nestjs/swagger';
import { isoUtc } from '../../common/dates';
import { AccountCertificate, CertificateStatus } from '../certificate.entity';

/** GET /api/v1/accounts/{id}/certificate: what is installed, and how its last attempt went. */
export class CertificateView {
  @ApiProperty({ example: 42 })
  account_id: number;

  @ApiProperty({ enum: ['pending', 'issuing', 'issued', 'failed'], description: 'issued: a certificate is installed (a failed renewal keeps it, see last_error)' })
  status: CertificateStatus;

  @ApiProperty({ type: String, nullable: true, example: "C=US, O=Let's Encrypt, CN=R11" })
  issuer: string | null;

  @ApiProperty({ type: [String], example: ['alice.example.com', 'www.alice.example.com'] })
  names: string[];

  @ApiProperty({ type: String, nullable: true, example: '04a1b2c3d4e5f60718293a4b5c6d7e8f9a0b' })
  serial: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-04-08T14:32:00Z' })
  not_before: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-07-07T14:32:00Z' })
  not_after: string | null;

  @ApiProperty({ description: 'Plain HTTP answers 301 to HTTPS (the ACME challenge path excepted)' })
  redirect_http: boolean;

  @ApiProperty({ description: "The operator's self-signed fallback (HW_CERTIFICATE_FALLBACK=self-signed) is installed; last_error says why ACME failed" })
  self_signed: boolean;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why the last attempt failed (null after a success)' })
  last_error: string | null;

  @ApiProperty({ example: 0, description: 'Failed attempts in a row (the backoff doubles with each)' })
  failures: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-06-07T14:32:00Z',
    description: 'When the renewal job tries next (30 days before not_after, or the backoff)',
  })
  next_attempt_at: string | null;

  static of(c: AccountCertificate): CertificateView {
    const date = (d: Date | null) => (d ? isoUtc(d) : null);
    return {
      account_id: c.accountId,
      status: c.status,
      issuer: c.issuer,
      names: c.names ? (JSON.parse(c.names) as string[]) : [],
      serial: c.serial,
      not_before: date(c.notBefore),
      not_after: date(c.notAfter),
      redirect_http: c.redirectHttp,
      self_signed: c.selfSigned,
      last_error: c.lastError,
      failures: c.failures,
      next_attempt_at: date(c.nextAttemptAt),
    };
  }
}
