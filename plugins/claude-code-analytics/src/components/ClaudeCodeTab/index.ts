export { ClaudeCodeTab, type ClaudeCodeTabProps } from './ClaudeCodeTab';
