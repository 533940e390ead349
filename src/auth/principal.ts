/** Who is calling: attached to the request by the auth guard. */
export interface Principal {
  tokenId: number;
  name: string;
  scopes: string[];
}

export function principalOf(request: unknown): Principal | undefined {
  return (request as { user?: Principal }).user;
}
