/** The alerter's request-reply subjects are defined with every other subject, in log-schema. */
export { ALERTER_SUBJECTS } from '@millrace/log-schema';
