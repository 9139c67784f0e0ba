// Jest runs src/**/*.test.ts through ts-jest; @tsprof/ts-transformer instruments the code under test.
module.exports = {
  rootDir: __dirname,
  testEnvironment: "@tsprof/runtime/jest-environment",
  testMatch: ["<rootDir>/src/**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "ts-jest",
      {
        astTransformers: {
          before: [{ path: "@tsprof/ts-transformer/ts-jest", options: { exclude: ["**/*.test.ts"] } }],
        },
      },
    ],
  },
};
