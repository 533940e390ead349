/** Who is calling: attached to the request by the auth guard. */
export interface Principal {
  tokenId: number;
  name: string;
  scopes: string[];
  /** The dialect the token speaks where two APIs share a path (`opterius`); absent: native. */
  dialect?: string | null;
}

export function principalOf(request: unknown): Principal | undefined {
  return (request as { user?: Principal }).user;
}
