# The native binding to libtorch. scripts/build-native.mjs decides where libtorch is and
# hands it over in BPROF_TORCH_* environment variables (run `npm run build:native`, not
# node-gyp directly).
{
  "targets": [
    {
      "target_name": "bprof_native",
      "sources": ["native/bprof_native.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "include_dirs": ["<!@(node -p \"process.env.BPROF_TORCH_INCLUDES || ''\")"],
      "defines": [
        "NAPI_VERSION=8",
        "_GLIBCXX_USE_CXX11_ABI=<!(node -p \"process.env.BPROF_TORCH_CXX11_ABI || '1'\")",
        "BPROF_LIBTORCH_PATH=\"<!(node -p \"process.env.BPROF_TORCH_LIBDIR || ''\")\""
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": [
        "-L<!(node -p \"process.env.BPROF_TORCH_LIBDIR || ''\")",
        "-Wl,--no-as-needed",
        "<!@(node -p \"process.env.BPROF_TORCH_LIBS || ''\")",
        "-Wl,--as-needed",
        "-Wl,-rpath,<!(node -p \"process.env.BPROF_TORCH_LIBDIR || ''\")"
      ]
    }
  ]
}
