/** An error told in Plesk's words: errcode and errtext. */
export class XmlApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errtext: string,
  ) {
    super(errtext);
    this.name = 'XmlApiError';
  }
}
