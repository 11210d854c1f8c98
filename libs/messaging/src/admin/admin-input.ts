import { validationFailed } from '@credit/platform';

/** 400 naming the field and the problem (a rule the request schema cannot know, such as a topic). */
export function invalidField(field: string, problem: string) {
  return validationFailed([{ field, problems: [problem] }]);
}
