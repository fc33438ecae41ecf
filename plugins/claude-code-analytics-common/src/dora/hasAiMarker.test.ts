import { hasAiMarker } from './hasAiMarker';

describe('hasAiMarker', () => {
  it('finds the co-author trailer by its address, with or without a model name', () => {
    for (const trailer of [
      'Co-Authored-By: Claude <noreply@anthropic.com>',
      'Co-authored-by: Claude Sonnet 5 <noreply@anthropic.com>',
      'co-authored-by: Claude Opus 4.1 <NoReply@Anthropic.com>',
    ]) {
      expect(
        hasAiMarker({
          commitMessages: ['fix: x', `feat: y\n\nbody\n\n${trailer}`],
        }),
      ).toBe(true);
    }
    expect(
      hasAiMarker({
        commitMessages: ['Co-Authored-By: Ada <ada@example.com>'],
      }),
    ).toBe(false);
    expect(
      hasAiMarker({
        commitMessages: ['mentions noreply@anthropic.com in passing'],
      }),
    ).toBe(false);
  });

  it('finds the Claude-Session trailer of web sessions', () => {
    expect(
      hasAiMarker({
        commitMessages: [
          'fix\n\nClaude-Session: https://claude.ai/code/session_1',
        ],
      }),
    ).toBe(true);
  });

  it('finds the body line with the current and the former URL', () => {
    expect(
      hasAiMarker({
        body: 'Summary\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)',
      }),
    ).toBe(true);
    expect(
      hasAiMarker({
        body: '🤖 Generated with [Claude Code](https://claude.ai/code)',
      }),
    ).toBe(true);
    expect(
      hasAiMarker({ body: 'Generated with [Other](https://example.com)' }),
    ).toBe(false);
  });

  it('finds the label, in any case', () => {
    expect(hasAiMarker({ labels: ['bug', 'Claude-Code-Assisted'] })).toBe(true);
    expect(hasAiMarker({ labels: ['claude'] })).toBe(false);
  });

  it('is false without evidence', () => {
    expect(hasAiMarker({})).toBe(false);
    expect(hasAiMarker({ body: '', commitMessages: [], labels: [] })).toBe(
      false,
    );
  });
});
