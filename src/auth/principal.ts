/** Who is calling: attached to the request by the auth guard. */
export interface Principal {
  tokenId: number;
  name: string;
  scopes: string[];
  /** The dialect the token speaks where two APIs share a path (`opterius`); absent: native. */
  dialect?: string | null;
  /** The server the token's creates go to (api_tokens.server_id); absent or null: placement chooses. */
  serverId?: number | null;
}

export function principalOf(request: unknown): Principal | undefined {
  return (request as { user?: Principal }).user;
}
