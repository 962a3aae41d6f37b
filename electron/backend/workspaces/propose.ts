// A labelled history's columns as proposed fields (issue 9): each labelled column's values read to
// infer a type (enum with its values, number, boolean, date, string list, string), with reasons.
// PLACEHOLDER while issue 9 is built.
import { ApiError, type ApiParsedArgs, type FieldProposal } from '../../../shared/src/api/index.js';

export async function proposeFields(_args: ApiParsedArgs<'proposeFields'>): Promise<FieldProposal> {
  throw new ApiError({ code: 'unavailable', message: 'proposeFields is not built yet' });
}
