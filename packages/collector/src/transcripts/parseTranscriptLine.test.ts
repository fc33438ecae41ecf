import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assistantLine,
  FIXTURE_CONFIG_DIR,
  itWithFixtures,
} from '../testUtils/transcriptLines';
import { parseTranscriptLine } from './parseTranscriptLine';

const ADA = join(
  FIXTURE_CONFIG_DIR,
  'projects/-home-ada-src-payments/bd80e3c9-26ad-4a03-bfb8-0831b875d873.jsonl',
);

describe('parseTranscriptLine', () => {
  itWithFixtures(
    'reads the usage of the assistant lines of a real transcript',
    () => {
      const lines = readFileSync(ADA, 'utf8').split('\n').filter(Boolean);
      const parsed = lines.map(line => parseTranscriptLine(line));
      const usages = parsed.flatMap(p => (p.kind === 'usage' ? [p.usage] : []));

      expect(parsed.filter(p => p.kind === 'malformed')).toHaveLength(0);
      expect(usages.map(u => u.requestId)).toEqual([
        'req_stub_2',
        'req_stub_4',
        'req_stub_6',
      ]);
      expect(usages[0]).toEqual({
        sessionId: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
        requestId: 'req_stub_2',
        messageId: 'msg_stub_2_1795609417510',
        timestamp: '2026-11-25T12:23:37.518Z',
        date: '2026-11-25',
        model: 'claude-opus-5-5',
        cwd: '/home/ada/src/payments',
        gitBranch: 'master',
        tokens: {
          input: 1200,
          output: 42,
          cacheCreation: 300,
          cacheRead: 5000,
          cacheCreation1h: 0,
        },
      });
      // The session's own cost-state line sums the same three requests.
      const costState = JSON.parse(lines[lines.length - 1]);
      const modelUsage = costState.modelUsage['claude-opus-5-5'];
      const sum = (pick: (u: (typeof usages)[0]) => number) =>
        usages.reduce((total, u) => total + pick(u), 0);
      expect(sum(u => u.tokens.input)).toBe(modelUsage.inputTokens);
      expect(sum(u => u.tokens.output)).toBe(modelUsage.outputTokens);
      expect(sum(u => u.tokens.cacheRead)).toBe(
        modelUsage.cacheReadInputTokens,
      );
      expect(sum(u => u.tokens.cacheCreation)).toBe(
        modelUsage.cacheCreationInputTokens,
      );
    },
  );

  it('reads 1-hour cache writes', () => {
    const parsed = parseTranscriptLine(
      assistantLine({
        messageId: 'm',
        cacheCreation: 100,
        cacheCreation1h: 60,
      }),
    );
    expect(parsed.kind === 'usage' && parsed.usage.tokens).toMatchObject({
      cacheCreation: 100,
      cacheCreation1h: 60,
    });
  });

  it('counts broken JSON as malformed and ignores lines without usage', () => {
    expect(parseTranscriptLine('{"type":"assistant","mess').kind).toBe(
      'malformed',
    );
    expect(parseTranscriptLine('"just a string"').kind).toBe('malformed');
    expect(parseTranscriptLine('{"type":"user","message":{}}').kind).toBe(
      'ignored',
    );
    const noOutput = JSON.parse(assistantLine());
    delete noOutput.message.usage.output_tokens;
    expect(parseTranscriptLine(JSON.stringify(noOutput)).kind).toBe('ignored');
    const badTime = JSON.parse(assistantLine());
    badTime.timestamp = 'yesterday';
    expect(parseTranscriptLine(JSON.stringify(badTime)).kind).toBe('ignored');
  });

  it('skips synthetic messages without tokens, keeps those with tokens', () => {
    expect(
      parseTranscriptLine(
        assistantLine({ model: '<synthetic>', input: 0, output: 0 }),
      ).kind,
    ).toBe('ignored');
    expect(
      parseTranscriptLine(assistantLine({ model: '<synthetic>', input: 3 }))
        .kind,
    ).toBe('usage');
  });

  it('falls back to the file name for the session and to "unknown" for the model', () => {
    const line = JSON.parse(assistantLine());
    delete line.sessionId;
    delete line.message.model;
    const parsed = parseTranscriptLine(JSON.stringify(line), 'from-file');
    expect(parsed.kind === 'usage' && parsed.usage).toMatchObject({
      sessionId: 'from-file',
      model: 'unknown',
    });
  });

  it('takes the UTC day of timestamps with an offset', () => {
    const parsed = parseTranscriptLine(
      assistantLine({ timestamp: '2026-11-21T01:00:00.000+02:00' }),
    );
    expect(parsed.kind === 'usage' && parsed.usage.date).toBe('2026-11-20');
  });
});
