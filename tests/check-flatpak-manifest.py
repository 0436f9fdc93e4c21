#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the development Flatpak manifest against the project's packaging rules.

Usage: check-flatpak-manifest.py MANIFEST MESON_PROJECT_NAME DEVEL_APP_ID

Checks the app id, command, runtime and SDK, that the sandbox gets exactly the permissions
the app needs, that the last module builds this project with meson in the development
profile, and that every downloaded source is pinned (archives and files by sha256, git by
commit or tag). When flatpak-builder is installed, also has it parse the manifest and fails
on any "Unknown property" warning, which flatpak-builder itself does not treat as an error.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

RUNTIME = 'org.gnome.Platform'
SDK = 'org.gnome.Sdk'
COMMAND = 'chiaro'
PROFILE_OPTION = '-Dprofile=development'

# The whole sandbox: network for the API, Wayland with an X11 fallback, GPU access, and the
# Secret Service for the API key. Anything beyond this list is a review decision, so it fails
# here until the list is changed on purpose.
FINISH_ARGS = (
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--talk-name=org.freedesktop.secrets',
)

DOWNLOADED_WITH_CHECKSUM = ('archive', 'file')
VCS_TYPES = ('git', 'bzr', 'svn')


class Checker:
    def __init__(self, manifest_path):
        self.manifest_path = manifest_path
        self.base_dir = os.path.dirname(os.path.abspath(manifest_path))
        self.problems = []

    def fail(self, message):
        self.problems.append(message)

    def load_json(self, path, what):
        try:
            with open(path, encoding='utf-8') as f:
                return json.load(f)
        except OSError as error:
            self.fail(f'cannot read {what} {path}: {error.strerror}')
        except json.JSONDecodeError as error:
            self.fail(f'{what} {path} is not valid JSON: {error}')
        return None

    def check_top_level(self, manifest, app_id):
        found_id = manifest.get('app-id', manifest.get('id'))
        if found_id != app_id:
            self.fail(f'app-id is {found_id!r}, expected {app_id!r}')
        if manifest.get('command') != COMMAND:
            self.fail(f'command is {manifest.get("command")!r}, expected {COMMAND!r}')
        if manifest.get('runtime') != RUNTIME:
            self.fail(f'runtime is {manifest.get("runtime")!r}, expected {RUNTIME!r}')
        if manifest.get('sdk') != SDK:
            self.fail(f'sdk is {manifest.get("sdk")!r}, expected {SDK!r}')
        version = manifest.get('runtime-version')
        if not isinstance(version, str) or not version:
            self.fail('runtime-version is missing; pin a GNOME runtime branch such as "51"')

        finish_args = manifest.get('finish-args', [])
        if not isinstance(finish_args, list):
            self.fail('finish-args is not a list')
            finish_args = []
        for arg in FINISH_ARGS:
            if arg not in finish_args:
                self.fail(f'finish-args lacks {arg}')
        for arg in finish_args:
            if arg not in FINISH_ARGS:
                self.fail(f'finish-args has {arg}, which is not in the allowed set '
                          f'(tests/check-flatpak-manifest.py FINISH_ARGS)')
        duplicates = sorted({arg for arg in finish_args if finish_args.count(arg) > 1})
        for arg in duplicates:
            self.fail(f'finish-args lists {arg} more than once')

    def check_sources(self, module_name, sources, base_dir):
        if not isinstance(sources, list):
            self.fail(f'module {module_name}: sources is not a list')
            return
        for index, source in enumerate(sources):
            where = f'module {module_name}, source {index + 1}'
            if isinstance(source, str):
                path = os.path.join(base_dir, source)
                loaded = self.load_json(path, f'{where}: source file')
                if loaded is None:
                    continue
                nested = loaded if isinstance(loaded, list) else [loaded]
                self.check_sources(module_name, nested, os.path.dirname(path))
                continue
            if not isinstance(source, dict):
                self.fail(f'{where}: not an object')
                continue
            kind = source.get('type')
            if kind in DOWNLOADED_WITH_CHECKSUM and 'url' in source:
                if not source.get('sha256'):
                    self.fail(f'{where}: {kind} {source.get("url")} has no sha256')
            elif kind in DOWNLOADED_WITH_CHECKSUM and 'path' not in source:
                self.fail(f'{where}: {kind} source has neither url nor path')
            elif kind == 'git':
                if not source.get('commit') and not source.get('tag'):
                    self.fail(f'{where}: git {source.get("url")} has neither commit nor tag')
            elif kind in VCS_TYPES:
                if not source.get('commit') and not source.get('revision'):
                    self.fail(f'{where}: {kind} {source.get("url")} is not pinned')

    def collect_modules(self, modules, base_dir, out):
        """Flatten modules (nested ones and ones kept in separate JSON files) into out."""
        if not isinstance(modules, list):
            self.fail('modules is not a list')
            return
        for module in modules:
            if isinstance(module, str):
                path = os.path.join(base_dir, module)
                loaded = self.load_json(path, 'module file')
                if isinstance(loaded, dict):
                    self.collect_modules(loaded.get('modules', []), os.path.dirname(path), out)
                    out.append((loaded, os.path.dirname(path)))
                continue
            if not isinstance(module, dict):
                self.fail('a module is neither an object nor a file name')
                continue
            self.collect_modules(module.get('modules', []), base_dir, out)
            out.append((module, base_dir))

    def check_modules(self, manifest, project_name):
        top_modules = manifest.get('modules')
        if not isinstance(top_modules, list) or not top_modules:
            self.fail('the manifest has no modules')
            return

        last = top_modules[-1]
        if not isinstance(last, dict):
            self.fail('the last module must be written inline, not kept in another file')
        else:
            if last.get('name') != project_name:
                self.fail(f'the last module is {last.get("name")!r}, expected {project_name!r}')
            if last.get('buildsystem') != 'meson':
                self.fail(f'module {project_name}: buildsystem is {last.get("buildsystem")!r}, '
                          f'expected \'meson\'')
            if PROFILE_OPTION not in last.get('config-opts', []):
                self.fail(f'module {project_name}: config-opts lacks {PROFILE_OPTION}')

        flattened = []
        self.collect_modules(top_modules, self.base_dir, flattened)
        for module, base_dir in flattened:
            name = module.get('name', '(unnamed)')
            self.check_sources(name, module.get('sources', []), base_dir)

    def check_with_flatpak_builder(self):
        builder = shutil.which('flatpak-builder')
        if builder is None:
            print('note: flatpak-builder is not installed; skipped its parse of the manifest')
            return
        # flatpak-builder leaves a .flatpak-builder state directory in its working directory,
        # so run it in a throw-away one rather than in the source or build tree.
        try:
            with tempfile.TemporaryDirectory(prefix='chiaro-flatpak-check-') as scratch:
                result = subprocess.run([builder, '--show-manifest',
                                         os.path.abspath(self.manifest_path)],
                                        cwd=scratch, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, timeout=50,
                                        check=False)
        except subprocess.TimeoutExpired:
            self.fail('flatpak-builder --show-manifest did not finish within 50 s')
            return
        if result.returncode != 0:
            self.fail(f'flatpak-builder --show-manifest exited with {result.returncode}: '
                      f'{result.stderr.strip()}')
        for line in result.stderr.splitlines():
            if 'Unknown property' in line:
                self.fail(f'flatpak-builder: {line.strip()}')


def main(argv):
    if len(argv) != 4:
        print(f'usage: {os.path.basename(argv[0])} MANIFEST MESON_PROJECT_NAME DEVEL_APP_ID',
              file=sys.stderr)
        return 2

    manifest_path, project_name, app_id = argv[1:]
    checker = Checker(manifest_path)
    manifest = checker.load_json(manifest_path, 'manifest')
    if isinstance(manifest, dict):
        checker.check_top_level(manifest, app_id)
        checker.check_modules(manifest, project_name)
        checker.check_with_flatpak_builder()
    elif manifest is not None:
        checker.fail('the manifest is not a JSON object')

    if checker.problems:
        print(f'{manifest_path}:', file=sys.stderr)
        for problem in checker.problems:
            print(f'  {problem}', file=sys.stderr)
        return 1

    print(f'{manifest_path}: ok')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
