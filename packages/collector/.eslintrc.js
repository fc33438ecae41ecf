module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Tests on the captured transcripts run through itWithFixtures, which skips them without the
    // fixtures folder.
    'jest/no-standalone-expect': [
      'error',
      { additionalTestBlockFunctions: ['itWithFixtures'] },
    ],
  },
});
