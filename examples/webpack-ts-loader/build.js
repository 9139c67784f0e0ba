// Builds the bundle through webpack's Node API (what `webpack` the CLI does, without webpack-cli).
const webpack = require("webpack");
const config = require("./webpack.config.js");

webpack(config, (error, stats) => {
  if (error) {
    console.error(`webpack: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  console.log(stats.toString({ colors: false, preset: "minimal" }));
  if (stats.hasErrors()) process.exitCode = 1;
});
