/**
 * Bound by the licence feature, e.g. `{ provide: LICENSE_SEATS, useExisting: LicenseService }`
 * in LicenseModule's providers; /metrics then exports hostwright_license_seats_used/_max.
 * Unbound: the metric is left out.
 */
export const LICENSE_SEATS = Symbol('LICENSE_SEATS');

export interface LicenseSeats {
  used: number;
  /** null: no limit. */
  max: number | null;
}

export interface LicenseSeatsProvider {
  seats(): LicenseSeats | Promise<LicenseSeats>;
}
