// webpack bundles src/ with ts-loader; @tsprof/ts-transformer puts the probes in as a `before` transformer.
const path = require("node:path");
const { tsprofTransformer } = require("@tsprof/ts-transformer");

module.exports = {
  mode: "production",
  target: "node",
  context: __dirname,
  entry: "./src/main.ts",
  output: { path: path.join(__dirname, "dist"), filename: "main.js", clean: true },
  devtool: "source-map",
  resolve: { extensions: [".ts", ".js"] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: "ts-loader",
        options: {
          configFile: path.join(__dirname, "tsconfig.json"),
          getCustomTransformers: (program) => ({ before: [tsprofTransformer(program, { include: ["src/**"] })] }),
        },
      },
    ],
  },
};
