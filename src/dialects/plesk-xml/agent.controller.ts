import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Authenticated } from '../../auth/authenticated.decorator';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { Principal } from '../../auth/principal';
import { AllowWithoutLicense } from '../../license/allow-without-license.decorator';
import { XmlApiError } from './xml-api-error';
import { render } from './xml-codec';
import { systemPacket } from './xml-errors';
import { XmlPacketService } from './xml-packet.service';
import { RecordsEvents } from '../../webhooks/outbox/event-context';

/**
 * Plesk's XML API: `POST /enterprise/control/agent.php`, a text/xml packet of operations.
 * Answers are always HTTP 200 with XML, as Plesk's. Writes pass without a licence here because a
 * packet may only read (get_protos, get); each write is refused by the services (1023) instead.
 * Left out of the JSON OpenAPI document: the README describes the packets.
 */
@ApiExcludeController()
@RecordsEvents()
@Controller('enterprise/control')
export class PleskXmlAgentController {
  constructor(private readonly packets: XmlPacketService) {}

  @Post('agent.php')
  @HttpCode(200)
  @AllowWithoutLicense()
  @Authenticated({ credentials: ['plesk-xml'] })
  async agent(
    @Body() body: unknown,
    @Headers('http_pretty_print') prettyHeader: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const pretty = /^(true|1|yes)$/i.test(prettyHeader?.trim() ?? '');
    reply.header('content-type', 'text/xml; charset=utf-8');
    try {
      return render(await this.packets.run(body, principal), pretty);
    } catch (error) {
      if (error instanceof XmlApiError) return systemPacket(error, pretty);
      throw error;
    }
  }
}
