import { createSvgIcon } from '@material-ui/core/utils';

/**
 * The icon of the Claude Code nav item and tab: a terminal prompt with a spark.
 *
 * @public
 */
export const ClaudeCodeIcon = createSvgIcon(
  <path d="M3 4h18a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zm1 2v12h16V6H4zm2.3 2.3 3.7 3.7-3.7 3.7-1.4-1.4L7.2 12 4.9 9.7l1.4-1.4zM11 15h6v2h-6v-2zm6-7.5.6 1.4 1.4.6-1.4.6-.6 1.4-.6-1.4-1.4-.6 1.4-.6.6-1.4z" />,
  'ClaudeCode',
);
