import { Platform1732400000000 } from './1732400000000-Platform';
import { SeenSignatures1732400000500 } from './1732400000500-SeenSignatures';
import { AccountsClients1732400001000 } from './1732400001000-AccountsClients';
import { IdempotencyAudit1732400001100 } from './1732400001100-IdempotencyAudit';
import { PowerDns1732400002000 } from './1732400002000-PowerDns';
import { ProvisioningCleanups1732400002500 } from './1732400002500-ProvisioningCleanups';
import { LicenseAndLeases1732400050000 } from './1732400050000-LicenseAndLeases';
import { AccountDomainReversed1732400060000 } from './1732400060000-AccountDomainReversed';
import { ExternalIdsTokenDialect1732400061000 } from './1732400061000-ExternalIdsTokenDialect';
import { TokenSignatureV21732400062000 } from './1732400062000-TokenSignatureV2';
import { PleskGuids1732400063000 } from './1732400063000-PleskGuids';
import { AccountOperations1732400064000 } from './1732400064000-AccountOperations';
import { Usage1732500100000 } from './1732500100000-Usage';
import { Webhooks1732500300000 } from './1732500300000-Webhooks';
import { DnsRecords1732500400000 } from './1732500400000-DnsRecords';
import { Mail1732500500000 } from './1732500500000-Mail';
import { HostingDatabases1732500600000 } from './1732500600000-HostingDatabases';
import { Certificates1732500700000 } from './1732500700000-Certificates';
import { AccountSuspensions1732500800000 } from './1732500800000-AccountSuspensions';
import { MailAliases1732500900000 } from './1732500900000-MailAliases';
import { UsageLimitFlags1732501000000 } from './1732501000000-UsageLimitFlags';
import { ClientEmailOptional1732501100000 } from './1732501100000-ClientEmailOptional';
import { AccountDescription1732501100100 } from './1732501100100-AccountDescription';
import { Servers1732502300000 } from './1732502300000-Servers';
import { SeatGeneration1732502400000 } from './1732502400000-SeatGeneration';
import { RateLimitCounts1732502400100 } from './1732502400100-RateLimitCounts';

/** Every migration, in order. Listed, not globbed, so the bundled build carries them (add new ones here). */
export const MIGRATIONS = [
  Platform1732400000000,
  SeenSignatures1732400000500,
  AccountsClients1732400001000,
  IdempotencyAudit1732400001100,
  PowerDns1732400002000,
  ProvisioningCleanups1732400002500,
  LicenseAndLeases1732400050000,
  AccountDomainReversed1732400060000,
  ExternalIdsTokenDialect1732400061000,
  TokenSignatureV21732400062000,
  PleskGuids1732400063000,
  AccountOperations1732400064000,
  Usage1732500100000,
  Webhooks1732500300000,
  DnsRecords1732500400000,
  Mail1732500500000,
  HostingDatabases1732500600000,
  Certificates1732500700000,
  AccountSuspensions1732500800000,
  MailAliases1732500900000,
  UsageLimitFlags1732501000000,
  ClientEmailOptional1732501100000,
  AccountDescription1732501100100,
  Servers1732502300000,
  SeatGeneration1732502400000,
  RateLimitCounts1732502400100,
];
