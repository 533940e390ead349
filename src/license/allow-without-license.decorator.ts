import { SetMetadata } from '@nestjs/common';

export const ALLOW_WITHOUT_LICENSE = 'hw:allow-without-license';

/**
 * The write route stays open when the licence is invalid or expired (installing a licence). An
 * adapter whose reads are POSTs (Plesk's XML API) marks its route with it and calls
 * LicenseService.assertWritable() itself for the operations that write.
 */
export const AllowWithoutLicense = () => SetMetadata(ALLOW_WITHOUT_LICENSE, true);
