// zonecfg's usage and help texts (zonecfg.c helptab[], long_help(), usage()).

export const CMD_ORDER = [
  'add', 'cancel', 'clear', 'commit', 'create', 'delete', 'end', 'exit', 'export',
  'help', 'info', 'remove', 'revert', 'select', 'set', 'verify',
] as const;

export const SHORT_USAGE: Record<string, string> = {
  add: 'add <resource-type>\n\t(global scope)\nadd <property-name> <property-value>\n\t(resource scope)',
  cancel: 'cancel',
  clear: 'clear <property-name>',
  commit: 'commit',
  create: 'create [-F] [ -a <path> | -b | -t <template> ]',
  delete: 'delete [-F]',
  end: 'end',
  exit: 'exit [-F]',
  export: 'export [-f output-file]',
  help: 'help [commands] [syntax] [usage] [<command-name>]',
  info: 'info [<resource-type> [property-name=property-value]*]',
  remove:
    'remove [-F] <resource-type> [ <property-name>=<property-value> ]*\n\t(global scope)\n' +
    'remove <property-name> <property-value>\n\t(resource scope)',
  revert: 'revert [-F]',
  select: 'select <resource-type> { <property-name>=<property-value> }',
  set: 'set <property-name>=<property-value>',
  verify: 'verify',
};

export const LONG_HELP: Record<string, string> = {
  help: 'Prints help message.',
  create:
    'Creates a configuration for the specified zone.  create should be\n\tused to begin configuring a new zone.  If overwriting an existing\n\t' +
    'configuration, the -F flag can be used to force the action.  If\n\t-t template is given, creates a configuration identical to the\n\t' +
    "specified template, except that the zone name is changed from\n\ttemplate to zonename.  'create -a' creates a configuration from a\n\t" +
    "detached zonepath.  'create -b' results in a blank configuration.\n\t'create' with no arguments applies the Sun default settings.",
  exit: 'Exits the program.  The -F flag can be used to force the action.',
  export: 'Prints configuration to standard output, or to output-file if\n\tspecified, in a form suitable for use in a command-file.',
  add: 'Add specified resource to configuration.',
  delete: 'Deletes the specified zone.  The -F flag can be used to force the\n\taction.',
  remove: 'Remove specified resource from configuration.  The -F flag can be used\n\tto force the action.',
  select:
    'Selects a resource to modify.  Resource modification is completed\n\twith the command "end".  The property name/value pairs must uniquely\n\t' +
    "identify a resource.  Note that the curly braces ('{', '}') mean one\n\tor more of whatever is between them.",
  set: 'Sets property values.',
  clear: 'Clears property values.',
  info:
    'Displays information about the current configuration.  If resource\n\ttype is specified, displays only information about resources of\n\t' +
    'the relevant type.  If resource id is specified, displays only\n\tinformation about that resource.',
  verify: 'Verifies current configuration for correctness (some resource types\n\thave required properties).',
  commit:
    'Commits current configuration.  Configuration must be committed to\n\tbe used by zoneadm.  Until the configuration is committed, changes \n\t' +
    'can be removed with the revert command.  This operation is\n\tattempted automatically upon completion of a zonecfg session.',
  revert: 'Reverts configuration back to the last committed state.  The -F flag\n\tcan be used to force the action.',
  cancel: 'Cancels resource/property specification.',
  end: 'Ends resource/property specification.',
};

/** Which usage() sections 'help <command>' adds (helptab[].flags). */
export const HELP_FLAGS: Record<string, { resources?: boolean; props?: boolean }> = {
  add: { resources: true, props: true },
  clear: { props: true },
  info: { resources: true, props: true },
  remove: { resources: true, props: true },
  select: { resources: true, props: true },
  set: { props: true },
};

export function usageText(execname: string): string {
  return (
    `usage:\t${execname} help\n` +
    `\t${execname} -z <zone>\t\t\t(interactive)\n` +
    `\t${execname} -z <zone> <command>\n` +
    `\t${execname} -z <zone> -f <command-file>\n`
  );
}

export function subcommandsText(verbose: boolean): string {
  return 'Commands:\n\n' + CMD_ORDER.map((c) => `${SHORT_USAGE[c]}\n` + (verbose ? `\t${LONG_HELP[c]}\n\n` : '')).join('');
}

export function syntaxText(verbose: boolean): string {
  return (
    (verbose ? '' : '\n') +
    '<zone> := [A-Za-z0-9][A-Za-z0-9_.-]*\n' +
    "\t(except the reserved words 'global' and anything starting with 'SUNW')\n" +
    '\tName must be less than 64 characters.\n' +
    (verbose ? '\n' : '')
  );
}

export const RESOURCES_TEXT =
  '<resource type> := fs | inherit-pkg-dir | net | device | rctl | attr |\n\tdataset | dedicated-cpu | capped-cpu | capped-memory\n\n';

export const PROPS_TEXT =
  'For resource type ... there are property types ...:\n' +
  [
    'zonename', 'zonepath', 'brand', 'autoboot', 'bootargs', 'pool', 'limitpriv', 'scheduling-class', 'ip-type',
    'max-lwps', 'max-shm-memory', 'max-shm-ids', 'max-msg-ids', 'max-sem-ids', 'cpu-shares',
  ]
    .map((p) => `\t(global)\t${p}\n`)
    .join('') +
  '\tfs\t\tdir, special, raw, type\n' +
  '\tinherit-pkg-dir\tdir\n' +
  '\tnet\t\taddress, physical, defrouter\n' +
  '\tdevice\t\tmatch\n' +
  '\trctl\t\tname, value\n' +
  '\tattr\t\tname, type, value\n' +
  '\tdataset\t\tname\n' +
  '\tdedicated-cpu\tncpus, importance\n' +
  '\tcapped-cpu\tncpus\n' +
  '\tcapped-memory\tphysical, swap, locked\n';

export const META_TEXT =
  'More help is available for the following:\n\n' +
  "\tcommands ('help commands')\n\tsyntax ('help syntax')\n\tusage ('help usage')\n\n" +
  "You may also obtain help on any command by typing 'help <command-name>.'\n";

const RESOURCE_SCOPE_TEXT: Record<string, string> = {
  fs:
    "The 'fs' resource scope is used to configure a file-system.\nValid commands:\n" +
    '\tset dir=<path>\n\tset special=<path>\n\tset raw=<raw-device>\n\tset type=<file-system type>\n' +
    '\tadd options <file-system options>\n\tremove options <file-system options>\n' +
    'Consult the file-system specific manual page, such as mount_ufs(1M), for\ndetails about file-system options.  ' +
    "Note that any file-system options with an\nembedded '=' character must be enclosed in double quotes, such as \"retry=5\".\n",
  'inherit-pkg-dir':
    "The 'inherit-pkg-dir' resource scope is used to configure a directory\ninherited from the global zone into a non-global zone in read-only mode.\n" +
    'Valid commands:\n\tset dir=<path>\n',
  net:
    "The 'net' resource scope is used to configure a network interface.\nValid commands:\n" +
    '\tset address=<IP-address>\n\tset physical=<interface>\nSee ifconfig(1M) for details of the <interface> string.\n' +
    '\tset defrouter=<IP-address>\nset address and set defrouter are valid if the ip-type property is set to shared, otherwise they must not be set.\n',
  device: "The 'device' resource scope is used to configure a device node.\nValid commands:\n\tset match=<device-path>\n",
  rctl:
    "The 'rctl' resource scope is used to configure a resource control.\nValid commands:\n" +
    '\tset name=<string>\n\tadd value (priv=<priv-value>,limit=<number>,action=<action-value>)\n' +
    '\tremove value (priv=<priv-value>,limit=<number>,action=<action-value>)\n' +
    'Where\n\t<priv-value> := privileged\n\t<action-value> := none | deny\n',
  attr:
    "The 'attr' resource scope is used to configure a generic attribute.\nValid commands:\n" +
    '\tset name=<name>\n\tset type=boolean\n\tset value=true | false\nor\n\tset type=int\n\tset value=<integer>\nor\n' +
    '\tset type=string\n\tset value=<string>\nor\n\tset type=uint\n\tset value=<unsigned integer>\n',
  dataset: "The 'dataset' resource scope is used to export ZFS datasets.\nValid commands:\n\tset name=<name>\n",
};

export function resourceScopeText(resource: string): string {
  return (
    (RESOURCE_SCOPE_TEXT[resource] ?? '') +
    'And from any resource scope, you can:\n' +
    '\tend\t(to conclude this operation)\n\tcancel\t(to cancel this operation)\n\texit\t(to exit the zonecfg utility)\n'
  );
}
