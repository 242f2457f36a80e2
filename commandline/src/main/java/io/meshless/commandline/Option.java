package io.meshless.commandline;

/** One declared option. A null {@code valueName} makes it a flag. */
final class Option {
    final String name;
    final String valueName;
    final boolean repeatable;
    final String help;

    Option(String name, String valueName, boolean repeatable, String help) {
        this.name = name;
        this.valueName = valueName;
        this.repeatable = repeatable;
        this.help = help;
    }

    boolean isFlag() {
        return valueName == null;
    }

    String label() {
        return isFlag() ? name : name + " " + valueName;
    }
}
