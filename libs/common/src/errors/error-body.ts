/** The one error body every HTTP error answers with (hub-interface.md). */
export interface ErrorBody {
  error: string;
  message: string;
  details: unknown[];
}
