import { Principal } from '../../auth/principal';

/** Who a suspension is kept as: the dialect and the token's name and id (`native: ops-script (token 3)`). */
export function actorOf(via: string, principal?: Principal | null): string {
  return (principal ? `${via}: ${principal.name} (token ${principal.tokenId})` : via).slice(0, 100);
}
