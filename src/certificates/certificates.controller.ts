import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData } from '../common/api-data.decorator';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CertificatesService } from './certificates.service';
import { CertificateView } from './dto/certificate.view';
import { IssueCertificateDto } from './dto/issue-certificate.dto';
import { RecordsEvents } from '../webhooks/outbox/event-context';

@ApiTags('Certificates')
@ApiErrors(401, 403)
@RecordsEvents()
@Controller('api/v1/accounts/:id/certificate')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get()
  @Authenticated({ scopes: ['accounts:read'] })
  @ApiOperation({ summary: "The account's certificate: issuer, names, serial, validity, status, last error, next attempt" })
  @ApiData(CertificateView)
  @ApiErrors(404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<{ data: CertificateView }> {
    return { data: CertificateView.of(await this.certificates.get(id)) };
  }

  @Post()
  @HttpCode(200)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Issue (or renew) a certificate for the domain and www. by ACME HTTP-01; the vhost then serves HTTPS too',
    description:
      'Synchronous: answers once the certificate is installed and nginx reloaded. An installed certificate not yet due is answered unchanged unless ' +
      '`force` (or a new `redirect_http`). 409 unless the account is active, or while another issuance runs. 502 `certificate_failed` when the CA ' +
      'refused or could not be reached: the account serves exactly as before and GET shows the reason (retried with backoff).',
  })
  @ApiData(CertificateView)
  @ApiErrors(404, 409, 422, 502, 503)
  async issue(@Param('id', ParseIdPipe) id: number, @Body() body: IssueCertificateDto): Promise<{ data: CertificateView }> {
    return { data: CertificateView.of(await this.certificates.issue(id, body ?? {})) };
  }

  @Delete()
  @HttpCode(204)
  @Authenticated({ scopes: ['accounts:write'] })
  @ApiOperation({
    summary: 'Remove the certificate: the vhost back to plain HTTP, the certificate revoked at the CA, the key, chain and challenge files deleted; 204, no body',
  })
  @ApiErrors(404, 409, 502, 503)
  async remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.certificates.remove(id);
  }
}
