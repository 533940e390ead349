import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiData } from '../common/api-data.decorator';
import { DomainError } from '../common/errors/domain-error';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { AllowWithoutLicense } from './allow-without-license.decorator';
import { InstallLicenseDto } from './dto/install-license.dto';
import { LicenseView } from './dto/license.view';
import { LicenseService } from './license.service';
import { RecordsEvents } from '../webhooks/outbox/event-context';

@ApiTags('Licence')
@ApiErrors(401)
@RecordsEvents()
@Controller('api/v1/license')
export class LicenseController {
  constructor(private readonly license: LicenseService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The installed licence and seat use (any valid token)' })
  @ApiData(LicenseView)
  async get(): Promise<{ data: LicenseView }> {
    return { data: LicenseView.of(this.license.status(), await this.license.accountsUsed()) };
  }

  @Put()
  @Authenticated({ scopes: ['tokens:admin'] })
  @AllowWithoutLicense()
  @ApiOperation({
    summary: 'Install a licence (verified offline, then written to the licence file; used at once)',
    description:
      'Body: `{ "license": "<the licence file text>" }` or the licence object `{ "payload": {…}, "signature": "…" }`. ' +
      'Open even while writes are blocked. 422 names why a licence is refused: malformed, bad_signature, wrong_server, expired, or no public key configured.',
  })
  @ApiData(LicenseView)
  @ApiErrors(403, 422)
  async install(@Body() body: InstallLicenseDto): Promise<{ data: LicenseView }> {
    const text = licenseText(body);
    return { data: LicenseView.of(await this.license.install(text), await this.license.accountsUsed()) };
  }
}

function licenseText(body: InstallLicenseDto): string {
  const asObject = body.payload !== undefined || body.signature !== undefined;
  if (body.license !== undefined && asObject) throw DomainError.field('license', 'send either license (the file text) or payload + signature, not both');
  if (body.license !== undefined) return body.license;
  if (body.payload === undefined || body.signature === undefined) {
    throw DomainError.field('license', 'license (the file text) or payload + signature is required');
  }
  return `${JSON.stringify({ payload: body.payload, signature: body.signature }, null, 2)}`;
}
