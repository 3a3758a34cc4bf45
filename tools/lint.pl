#!/usr/bin/perl
# tools/lint.pl: the project's own rules for `make lint` (tools/lint.sh runs it): each file's header
# names its own path, source lines fit in 100 columns, and every path a comment or a document cites
# exists. Usage: tools/lint.pl RULE FILE...  (RULE: headers, columns, paths). Prints one line per
# finding, "FILE:LINE: what", and exits 1 if there is any. Perl-base only (no modules to install).
use strict;
use warnings;

my $rule = shift @ARGV // '';
my $findings = 0;

sub finding {
    my ($file, $line, $what) = @_;
    print "$file:$line: $what\n";
    $findings++;
}

sub slurp {
    my ($file) = @_;
    open(my $fh, '<', $file) or die "lint: $file: $!\n";
    local $/;
    my $text = <$fh>;
    close $fh;
    return $text;
}

# The comment syntax of a file: 'c' (/* */ and //), 'asm' (;), 'hash' (#), 'text' (all of it is
# prose: Markdown), or '' (not checked).
sub kind {
    my ($file, $text) = @_;
    return 'c' if $file =~ /\.(c|h|S|ld)$/;
    return 'asm' if $file =~ /\.(asm|inc)$/;
    return 'text' if $file =~ /\.md$/;
    return 'hash' if $file =~ /(^|\/)Makefile$|\.(mk|sh|gdb)$/ || $text =~ /\A#!/;
    return '';
}

# headers: the first line of the header comment starts with the file's own path, then ':' or a
# space (a usage line such as "tools/mkdisk.sh OUTPUT: ..."). A script's header follows its #! line.
sub check_header {
    my ($file, $text, $kind) = @_;
    my @lines = split /\n/, $text, 3;
    my ($first, $n) = ($lines[0] // '', 1);
    ($first, $n) = ($lines[1] // '', 2) if $first =~ /^#!/;
    my %lead = (c => qr{/\* }, asm => qr{; }, hash => qr{# });
    return unless $lead{$kind};
    finding($file, $n, "the header comment does not start with the file's path: \"$first\"")
        unless $first =~ /^$lead{$kind}\Q$file\E[: ]/;
}

sub check_columns {
    my ($file, $text) = @_;
    my $n = 0;
    for my $line (split /\n/, $text) {
        $n++;
        # tests/pe's "; expect:" lines are data: the parser's exact message.
        next if $line =~ /^; expect:/;
        finding($file, $n, length($line) . " columns (at most 100)") if length($line) > 100;
    }
}

# The comments of a file with their line numbers: a list of [line, text].
sub comments {
    my ($text, $kind) = @_;
    my @out;
    if ($kind eq 'text') {
        my $n = 0;
        push @out, [++$n, $_] for split /\n/, $text;
        return @out;
    }
    my %pattern = (
        c    => qr{/\*.*?\*/|//[^\n]*}s,
        asm  => qr{;[^\n]*},
        hash => qr{(?:^|(?<=\s))#[^\n]*}m,
    );
    while ($text =~ /$pattern{$kind}/g) {
        my $start = $-[0];
        my $line = 1 + (substr($text, 0, $start) =~ tr/\n//);
        my $n = $line;
        push @out, [$n++, $_] for split /\n/, $&;
    }
    return @out;
}

# paths: a cited path starts at a top-level folder of the tree (not after '/', so build/... and
# /sys/... are not taken) and is checked when it ends in '/' or names a file with an extension;
# words in capitals are placeholders (tests/user/NAME.c). Globs must match something.
my $roots = join '|', grep { -d } qw(boot kernel mm ldr user tests tools docs iso);
sub check_paths {
    my ($file, $text, $kind) = @_;
    for my $c (comments($text, $kind)) {
        my ($n, $line) = @$c;
        while ($line =~ m{(?<![A-Za-z0-9_./\-])((?:$roots)/[A-Za-z0-9_./*\-]*)}g) {
            my $path = $1;
            $path =~ s/[.\-]+$//;
            next unless $path =~ m{/$} || $path =~ m{\.[A-Za-z0-9]+$};
            next if $path =~ m{(^|/)[A-Z][A-Z_]+(/|\.|$)};
            my $exists = $path =~ /\*/ ? scalar(my @m = glob($path)) : -e $path;
            finding($file, $n, "cites $path, which does not exist") unless $exists;
        }
    }
}

die "usage: $0 headers|columns|paths FILE...\n" unless $rule =~ /^(headers|columns|paths)$/;
for my $file (@ARGV) {
    my $text = slurp($file);
    my $kind = kind($file, $text);
    check_header($file, $text, $kind) if $rule eq 'headers';
    check_columns($file, $text) if $rule eq 'columns';
    check_paths($file, $text, $kind) if $rule eq 'paths' && $kind;
}
exit($findings ? 1 : 0);
