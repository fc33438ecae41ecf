module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The tests compare the UI with the API through the frontend plugin's own formatting functions
    // and run the backend plugin's stand-in of the Messages API: both are internal modules of
    // other workspace packages, imported by path on purpose.
    '@backstage/no-relative-monorepo-imports': 'off',
  },
});
