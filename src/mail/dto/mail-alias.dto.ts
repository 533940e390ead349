import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { emailProblem, localPartProblem } from '../../agent-protocol/grammar';
import { Grammar } from '../../common/grammar-rules';

export const ALIAS_DESTINATIONS_MAX = 20;

const IsLocalPart = () => Grammar('isLocalPart', (value, field) => localPartProblem(value, field));
const IsDestination = () => Grammar('isEmailAddress', (value, field) => emailProblem(value, `${field} item`), { each: true });

export class CreateMailAliasDto {
  /** The part before the @; the domain is always the account's (a forwarder never relays for another domain). */
  @ApiProperty({ example: 'sales', minLength: 1, maxLength: 64, pattern: '^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$' })
  @IsLocalPart()
  local_part: string;

  /** Where the mail goes: mailboxes of this account or addresses elsewhere; never the alias itself. */
  @ApiProperty({ example: ['info@alice.example.com', 'alice@example.net'], type: [String], minItems: 1, maxItems: ALIAS_DESTINATIONS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALIAS_DESTINATIONS_MAX)
  @IsDestination()
  destinations: string[];
}
