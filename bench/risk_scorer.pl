#!/usr/bin/perl
# Score the risk of a SecureChange ticket's access requests on ADVANCE.
#
# A classic SecureChange trigger script, written as an admin would write it
# today: the benchmark's Perl baseline for hook-runner's example hook
# guests/risk-scorer, whose results it reproduces field for field. It does
# what bench/risk_scorer.py does.
#
# Contract (as SecureChange calls a script):
#   SCW_EVENT       the workflow event. Only ADVANCE changes the ticket, and
#                   TEST checks that the variables below are set, without
#                   calling the API.
#   standard input  the <ticket_info> document
#   SC_URL          base URL of SecureChange, such as https://sc.example.com
#                   (the REST API is under /securechangeworkflow/api/securechange/)
#   SC_USER         API user name
#   SC_PASSWORD     API password
#
# On ADVANCE the script reads the ticket, scores the access requests of the
# step named in <ticket_info> (or of the latest earlier step that has some),
# writes the score, the reasons and the level into the ticket's current step
# and adds a summary comment. When the ticket has already left that step, it
# writes nothing, as hook-runner does by default.
#
# Exit codes: 0 when the fields were written or there was nothing to do,
# 1 on invalid input, a field that cannot take its value, or an API failure.
# hook-runner exits 4, 5 and 6 in those cases.
#
# Perl 5.36 with core modules only. No XML parser is in core, so the XML is
# read with regular expressions, as admins' scripts do. They rely on how
# SecureChange writes tickets: the elements read here never nest inside an
# element of the same name, attribute values contain no `>`, and text is
# escaped rather than wrapped in CDATA sections.
#
# NOTE: hook-runner also caps an outcome at 256 KiB of text per value, 20
# comments and 200 fields. This script has no such caps, so on a ticket whose
# reasons exceed 256 KiB it writes where hook-runner fails. HTTPS needs
# IO::Socket::SSL, which is not a core module.

use v5.36;
use Encode qw(decode encode);
use HTTP::Tiny;
use MIME::Base64 qw(encode_base64);

# Field names, as the demo configuration of hook-runner sets them. Set
# $LEVEL_FIELD to undef to leave the level out.
my $SCORE_FIELD  = 'Risk Score';
my $REASON_FIELD = 'Risk Reason';
my $LEVEL_FIELD  = 'Risk Level';

my $API_PATH        = '/securechangeworkflow/api/securechange/';
my $TIMEOUT_SECONDS = 30;
my $XSI_NAMESPACE   = 'http://www.w3.org/2001/XMLSchema-instance';
my @EVENTS          = qw(CREATE CLOSE CANCEL REJECT ADVANCE REDO RESUBMIT REOPEN
    RESOLVE PRE_ASSIGNMENT_SCRIPT AUTOMATION_FAILED TEST);

# Scoring rules: points per network object or service of one access request.
my $MAX_SCORE            = 100;
my $ANY_SOURCE           = 30;
my $ANY_DESTINATION      = 30;
my $INTERNET_SOURCE      = 20;
my $INTERNET_DESTINATION = 15;
my $ANY_SERVICE          = 25;
my $WIDER_THAN_16        = 25;    # prefix shorter than /16
my $WIDER_THAN_24        = 10;    # prefix from /16 to /23
my $INVALID_NETMASK      = 10;    # not a dotted mask, so the object's size is unknown
my $MEDIUM_FROM          = 30;
my $HIGH_FROM            = 60;

binmode STDERR, ':encoding(UTF-8)';

sub log_line ($message) {
    print STDERR "risk_scorer: $message\n";
}

# Every failure dies with this prefix, and main() prints the message and exits 1.
sub fail ($message) {
    die "error: $message\n";
}

# ---------------------------------------------------------------- XML helpers

sub unescape ($text) {
    my %named = (lt => '<', gt => '>', amp => '&', quot => '"', apos => "'");
    $text =~ s{&(?:([a-z]+)|#([0-9]+)|#x([0-9a-fA-F]+));}{
        defined $1 ? ($named{$1} // fail("unknown entity &$1; in the XML"))
        : defined $2 ? chr($2)
        : chr(hex $3)
    }ge;
    return $text;
}

sub escape ($text) {
    $text =~ s/&/&amp;/g;
    $text =~ s/</&lt;/g;
    $text =~ s/>/&gt;/g;
    $text =~ s/"/&quot;/g;
    $text =~ s/'/&apos;/g;
    return $text;
}

sub trim ($text) {
    $text =~ s/\A\s+|\s+\z//g;
    return $text;
}

# Returns the pattern of a <$name> element, capturing the raw attribute
# text and the raw inner XML. The non-greedy match ends the element at the
# first </$name>, so $name must not nest inside itself. Patterns are
# compiled once per name, because recompiling them dominates on large
# tickets.
my %element_patterns;

sub element_pattern ($name) {
    return $element_patterns{$name} //= qr{<\Q$name\E((?:\s[^>]*?)?)(?:/>|>(.*?)</\Q$name\E\s*>)}s;
}

# Returns every <$name> element in $xml, at any depth, as hashes with
# `attributes` and `content`.
sub elements ($xml, $name) {
    my $pattern = element_pattern($name);
    my @found;
    while ($xml =~ /$pattern/g) {
        push @found, { attributes => $1, content => $2 // '' };
    }
    return @found;
}

sub first_element ($xml, $name) {
    my $pattern = element_pattern($name);
    return $xml =~ $pattern ? { attributes => $1, content => $2 // '' } : undef;
}

# Returns $xml without the listed elements, so that a later lookup of <id>
# or <name> finds the element's own child and not one nested deeper.
sub without ($xml, @names) {
    for my $name (@names) {
        my $pattern = element_pattern($name);
        $xml =~ s/$pattern//g;
    }
    return $xml;
}

# Returns the trimmed, unescaped text of the first <$name> in $xml, or ''.
# $name must be a leaf element: one with text and no child elements.
sub child_text ($xml, $name) {
    my $element = first_element($xml, $name) or return '';
    return trim(unescape($element->{content}));
}

sub optional_text ($xml, $name) {
    my $text = child_text($xml, $name);
    return $text eq '' ? undef : $text;
}

# Returns the value of attribute $name (`type` or `xsi:type`), else of an
# attribute with the same local name: some producers drop or add the prefix.
sub attribute ($attributes, $name) {
    my ($local) = $name =~ /([^:]+)\z/;
    return unescape($1) if $attributes =~ m{(?:\A|\s)\Q$name\E\s*=\s*"([^"]*)"};
    return unescape($1) if $attributes =~ m{(?:\A|\s)\Q$name\E\s*=\s*'([^']*)'};
    return unescape($2) if $attributes =~ m{(?:\A|\s)(?:[\w.-]+:)?\Q$local\E\s*=\s*(["'])(.*?)\1};
    return '';
}

sub number ($text, $description) {
    fail("$description is `$text`: expected a whole number") unless $text =~ /\A[0-9]+\z/;
    return 0 + $text;
}

# Returns the document's root element name, or fails when there is none.
sub root_name ($xml, $description) {
    fail("$description declares a DOCTYPE, which SecureChange never sends") if $xml =~ /<!DOCTYPE/;
    my $body = $xml =~ s{<\?.*?\?>|<!--.*?-->}{}gsr;
    return $1 if $body =~ m{\A\s*<([\w:.-]+)};
    fail("$description is not an XML document");
}

# ------------------------------------------------------------ input documents

# Returns (ticket id, step id, step name) from <ticket_info>. The ticket id
# is undef for the empty document of the Test button, and the step is
# (undef, undef) when the document names no current stage.
sub read_ticket_info ($xml) {
    my $root = root_name($xml, 'standard input');
    fail("standard input has root element <$root>, expected <ticket_info>") if $root ne 'ticket_info';
    my $info    = first_element($xml, 'ticket_info')->{content};
    my $stage   = first_element($info, 'current_stage');
    my $id_text = child_text(without($info, qw(current_stage open_request_stage priority requester completion_data)), 'id');
    return (undef, undef, undef) if $id_text eq '';
    my $ticket_id = number($id_text, '<ticket_info> element <id>');
    my $stage_own = $stage ? without($stage->{content}, 'ticket_task') : '';
    my $stage_id_text = child_text($stage_own, 'id');
    return ($ticket_id, undef, undef) if $stage_id_text eq '';
    my $stage_id = number($stage_id_text, '<ticket_info> element <current_stage/id>');
    return ($ticket_id, $stage_id, child_text($stage_own, 'name'));
}

# Maps a GET tickets/{id} XML body to hashes.
sub read_ticket ($xml) {
    my $root = root_name($xml, 'the ticket');
    fail("expected a <ticket> document, got <$root>") if $root ne 'ticket';
    my $ticket = first_element($xml, 'ticket')->{content};
    my $own    = without($ticket, qw(workflow current_step steps comments));

    my $current_step;
    my $current = first_element($ticket, 'current_step');
    if ($current && child_text($current->{content}, 'id') ne '') {
        $current_step = {
            id   => number(child_text($current->{content}, 'id'), 'ticket element <current_step/id>'),
            name => child_text($current->{content}, 'name'),
        };
    }

    my @steps;
    my $steps = first_element($ticket, 'steps');
    for my $step (elements($steps ? $steps->{content} : '', 'step')) {
        my @tasks;
        for my $task (elements($step->{content}, 'task')) {
            my @fields = map { read_field($_) } elements($task->{content}, 'field');
            my $task_own = without($task->{content}, 'fields');
            push @tasks, { id => number(child_text($task_own, 'id'), 'ticket element <task/id>'), fields => \@fields };
        }
        my $step_own = without($step->{content}, 'tasks');
        push @steps, {
            id    => number(child_text($step_own, 'id'), 'ticket element <step/id>'),
            name  => child_text($step_own, 'name'),
            tasks => \@tasks,
        };
    }
    return {
        id           => number(child_text($own, 'id'), 'ticket element <id>'),
        status       => child_text($own, 'status'),
        current_step => $current_step,
        steps        => \@steps,
    };
}

sub read_field ($field) {
    my $content = $field->{content};
    my $own     = without($content, qw(access_request options selected_options));
    my $options = first_element($content, 'options');
    return {
        id        => number(child_text($own, 'id'), 'ticket element <field/id>'),
        name      => child_text($own, 'name'),
        type      => attribute($field->{attributes}, 'xsi:type'),
        read_only => lc(child_text($own, 'read_only')) eq 'true',
        options   => [ map { child_text($_->{content}, 'value') } elements($options ? $options->{content} : '', 'option') ],
        content   => $content,
    };
}

sub read_access_request ($content) {
    my $own = without($content, qw(sources destinations services targets users risk_analysis_result verifier_result));
    my $list = sub ($container, $item) {
        my $element = first_element($content, $container);
        return $element ? elements($element->{content}, $item) : ();
    };
    return {
        order         => child_text($own, 'order'),
        action        => child_text($own, 'action'),
        sources       => [ map { read_network_object($_) } $list->('sources', 'source') ],
        destinations  => [ map { read_network_object($_) } $list->('destinations', 'destination') ],
        service_kinds => [ map { attribute($_->{attributes}, 'type') } $list->('services', 'service') ],
    };
}

sub read_network_object ($element) {
    my $content = $element->{content};
    return {
        kind       => attribute($element->{attributes}, 'type'),
        ip_address => optional_text($content, 'ip_address'),
        netmask    => optional_text($content, 'netmask'),
        name       => optional_text($content, 'object_name')
            // optional_text($content, 'host_name')
            // optional_text($content, 'name'),
    };
}

# ------------------------------------------------------------ step selection

# Returns the last step named $name: a redone step is listed once per run.
sub last_step_named ($ticket, $name) {
    for my $step (reverse @{ $ticket->{steps} }) {
        return $step if $step->{name} eq $name;
    }
    return undef;
}

# Returns the ticket's current step, matched by id, then by name.
sub current_step ($ticket) {
    my $current = $ticket->{current_step} or return undef;
    for my $step (@{ $ticket->{steps} }) {
        return $step if $step->{id} == $current->{id};
    }
    return last_step_named($ticket, $current->{name});
}

# Returns the rows of the step's multi_access_request fields, or undef when
# it has no such field. A step with several tasks repeats its fields on
# every task, so only the first field of each name counts.
sub access_requests ($step) {
    my %seen;
    my @rows;
    for my $task (@{ $step->{tasks} }) {
        for my $field (@{ $task->{fields} }) {
            next if $field->{type} ne 'multi_access_request' || $seen{ $field->{name} }++;
            push @rows, map { read_access_request($_->{content}) } elements($field->{content}, 'access_request');
        }
    }
    return %seen ? \@rows : undef;
}

# Returns the access requests of $step, or of the latest step before it that
# has any: review steps often carry no copy of them.
sub latest_access_requests ($ticket, $step) {
    my @steps = @{ $ticket->{steps} };
    my $end   = $#steps;
    for my $index (0 .. $#steps) {
        $end = $index if $steps[$index]{id} == $step->{id};
    }
    for my $candidate (reverse @steps[ 0 .. $end ]) {
        my $rows = access_requests($candidate);
        return $rows if defined $rows;
    }
    return undef;
}

# -------------------------------------------------------------------- scoring

# Compares ignoring ASCII case only, as the Rust hook does.
sub equals_ignoring_case ($text, $expected) {
    return $text !~ /[^\x00-\x7F]/ && lc $text eq lc $expected;
}

# Returns the prefix length of a dotted IPv4 netmask, or undef when the text
# is not one whose one bits are contiguous from the left.
sub netmask_prefix_len ($netmask) {
    my @octets = split /\./, trim($netmask), -1;
    return undef if @octets != 4;
    my $mask = 0;
    for my $octet (@octets) {
        # Like Rust's Ipv4Addr parser: 1 to 3 digits, no leading zero.
        return undef unless $octet =~ /\A(?:0|[1-9][0-9]{0,2})\z/ && $octet <= 255;
        $mask = ($mask << 8) | $octet;
    }
    my $ones = 0;
    $ones++ while $ones < 32 && ($mask & (1 << (31 - $ones)));
    return undef if (($mask << $ones) & 0xFFFFFFFF) != 0;
    return $ones;
}

sub describe_object ($object, $prefix) {
    return "$object->{ip_address}/$prefix" if defined $object->{ip_address};
    return $object->{name} // $object->{kind};
}

# Returns [points, reason] of the one network object rule that matches, or
# undef.
sub score_object ($side, $object) {
    my $kind = $object->{kind};
    if (equals_ignoring_case($kind, 'ANY')) {
        return [ $side eq 'source' ? $ANY_SOURCE : $ANY_DESTINATION, "$side is ANY" ];
    }
    if (equals_ignoring_case($kind, 'INTERNET')) {
        return [ $side eq 'source' ? $INTERNET_SOURCE : $INTERNET_DESTINATION, "$side is the Internet" ];
    }
    my $netmask = $object->{netmask} // return undef;
    my $prefix  = netmask_prefix_len($netmask);
    if (!defined $prefix) {
        my $address = $object->{ip_address} // 'object';
        return [ $INVALID_NETMASK, "$side $address has an invalid netmask $netmask" ];
    }
    return undef if $prefix >= 24;
    my ($points, $limit) = $prefix < 16 ? ($WIDER_THAN_16, 16) : ($WIDER_THAN_24, 24);
    return [ $points, "$side " . describe_object($object, $prefix) . " is wider than /$limit" ];
}

# Returns the [points, reason] findings of one access request. Drop and
# Remove requests close access and add nothing. Any other action, known or
# not, is scored.
sub score_request ($request) {
    my $action = $request->{action};
    return () if equals_ignoring_case($action, 'Drop') || equals_ignoring_case($action, 'Remove');
    my @findings = grep {defined} (
        (map { score_object('source',      $_) } @{ $request->{sources} }),
        (map { score_object('destination', $_) } @{ $request->{destinations} }),
    );
    if (grep { equals_ignoring_case($_, 'ANY') } @{ $request->{service_kinds} }) {
        push @findings, [ $ANY_SERVICE, 'service is ANY' ];
    }
    return @findings;
}

sub level_of ($score) {
    return $score >= $HIGH_FROM ? 'High' : $score >= $MEDIUM_FROM ? 'Medium' : 'Low';
}

# Returns the score, level, reason text and summary comment.
sub assess ($requests) {
    my @lines;
    my $uncapped = 0;
    for my $request (@$requests) {
        my @findings = score_request($request) or next;
        $uncapped += $_->[0] for @findings;
        push @lines, "$request->{order}: " . join('; ', map {"$_->[1] (+$_->[0])"} @findings);
    }
    my $score = $uncapped < $MAX_SCORE ? $uncapped : $MAX_SCORE;
    my $level = level_of($score);
    my $count = @$requests;

    my $reason =
          $count == 0 ? 'No access requests to assess.'
        : !@lines     ? "None of the $count access requests matched a risk rule."
        :               join("\n", @lines);

    my $summary = "Risk score $score/$MAX_SCORE ($level) for $count access request(s); "
        . scalar(@lines) . ' of them matched a risk rule.';
    $summary .= " The rules added up to $uncapped points, capped at $MAX_SCORE." if $uncapped > $score;
    return ($score, $level, $reason, $summary);
}

# ---------------------------------------------------------------- write plan

# Returns the current step and, per task, [task id, [[field, value], ...]].
# $updates holds [field name, 'text' or 'drop-down', value]. Every update is
# checked before anything is written, so a field that is missing, read-only,
# of another type, or a drop-down value that is not one of its options
# writes nothing.
sub plan_writes ($ticket, $updates) {
    my $current = $ticket->{current_step};
    my ($step) = $current ? (grep { $_->{id} == $current->{id} } @{ $ticket->{steps} }) : ();
    fail("ticket $ticket->{id} has no current step (status `$ticket->{status}`), so no field or comment can be written")
        unless $step;
    fail("step `$step->{name}` of ticket $ticket->{id} has no task to write to") unless @{ $step->{tasks} };

    my @problems;
    my @writes = map { [ $_->{id}, [] ] } @{ $step->{tasks} };
    for my $update (@$updates) {
        my ($name, $kind, $value) = @$update;
        my $found = 0;
        for my $index (0 .. $#writes) {
            my ($field) = grep { $_->{name} eq $name } @{ $step->{tasks}[$index]{fields} };
            next unless $field;
            $found = 1;
            my $problem = check_value($field, $kind, $value);
            if (defined $problem) {
                push @problems, $problem unless grep { $_ eq $problem } @problems;
            }
            else {
                push @{ $writes[$index][1] }, [ $field, $value ];
            }
        }
        push @problems, "field `$name` is not on the current step `$step->{name}`" unless $found;
    }
    if (@problems) {
        fail(scalar(@problems) . " field update(s) cannot be applied to step `$step->{name}` of ticket $ticket->{id}, "
                . "so none was written:\n  " . join("\n  ", @problems));
    }
    return ($step, [ grep { @{ $_->[1] } } @writes ]);
}

# Returns why $field cannot take the value, or undef when it can.
sub check_value ($field, $kind, $value) {
    my ($name, $type) = @$field{qw(name type)};
    return "field `$name` is read-only (type `$type`)" if $field->{read_only};
    my %accepted = (text => [qw(text_field text_area)], 'drop-down' => ['drop_down_list']);
    if (!grep { $_ eq $type } @{ $accepted{$kind} }) {
        return "field `$name` has type `$type`, which does not take a `$kind` value";
    }
    my @options = @{ $field->{options} };
    if ($kind eq 'drop-down' && @options && !grep { $_ eq $value } @options) {
        return "field `$name`: `$value` is not one of its options (" . join(', ', map {"`$_`"} @options) . ')';
    }
    return undef;
}

# Builds the <fields> body that writes several fields of one task.
sub fields_body ($fields) {
    my $body = '<fields>';
    for my $write (@$fields) {
        my ($field, $value) = @$write;
        my $tag = $field->{type} eq 'drop_down_list' ? 'selection' : 'text';
        $body .= qq{<field xmlns:xsi="$XSI_NAMESPACE" xsi:type="} . escape($field->{type}) . '">'
            . "<id>$field->{id}</id><name>" . escape($field->{name}) . '</name>'
            . "<$tag>" . escape($value) . "</$tag></field>";
    }
    return "$body</fields>";
}

# ------------------------------------------------------------------------ API

# Sends one API request and returns the decoded response body. Redirects are
# not followed, so the credentials only go to SC_URL, and *_proxy variables
# are ignored: the API is called directly.
sub api_request ($api, $method, $path, $body = undef) {
    my $url     = $api->{base} . $path;
    my %options = (headers => { Authorization => $api->{authorization}, Accept => 'application/xml' });
    if (defined $body) {
        $options{headers}{'Content-Type'} = 'application/xml';
        $options{content} = encode('UTF-8', $body);
    }
    my $response = $api->{http}->request($method, $url, \%options);
    if ($response->{status} == 599) {
        fail("$method $url failed: " . trim($response->{content}));
    }
    my $content = eval { decode('UTF-8', $response->{content}, Encode::FB_CROAK) }
        // fail("$method $url returned a body that is not UTF-8");
    if (!$response->{success}) {
        fail("$method $url returned $response->{status}" . error_detail($content));
    }
    return $content =~ s/\A\x{FEFF}//r;
}

# Returns " CODE: message" from SecureChange's <result> error body, or the
# body's start.
sub error_detail ($body) {
    my $result = first_element($body, 'result');
    if (!$result) {
        my $quoted = substr(trim($body), 0, 300);
        return $quoted eq '' ? '' : ": $quoted";
    }
    my $code = child_text($result->{content}, 'code');
    return ($code eq '' ? '' : " $code") . ': ' . child_text($result->{content}, 'message');
}

sub required_env ($name) {
    my $value = $ENV{$name};
    fail("$name is not set: set SC_URL, SC_USER and SC_PASSWORD for the SecureChange API")
        unless defined $value && $value ne '';
    return decode('UTF-8', $value);
}

# ----------------------------------------------------------------------- main

sub run {
    my $event = $ENV{SCW_EVENT}
        // fail('SCW_EVENT is not set. SecureChange sets it, so to run the script by hand, set SCW_EVENT=ADVANCE');
    $event = uc trim($event);
    fail("SCW_EVENT is `$event`: expected one of " . join(', ', @EVENTS)) unless grep { $_ eq $event } @EVENTS;

    my $input = do { local $/; binmode STDIN; <STDIN> } // '';
    my $info  = eval { decode('UTF-8', $input, Encode::FB_CROAK) } // fail('standard input is not valid UTF-8');
    $info =~ s/\A\x{FEFF}//;
    my ($ticket_id, $stage_id, $stage_name) = read_ticket_info($info);
    if ($event eq 'TEST') {
        # The Test button checks the setup, and the API must not be called.
        required_env($_) for qw(SC_URL SC_USER SC_PASSWORD);
        log_line('TEST event: SC_URL, SC_USER and SC_PASSWORD are set');
        return;
    }
    fail("the <ticket_info> document for $event has no ticket <id>") unless defined $ticket_id;
    if ($event ne 'ADVANCE') {
        log_line("ticket $ticket_id: ignoring $event event");
        return;
    }

    my ($url, $user, $password) = map { required_env($_) } qw(SC_URL SC_USER SC_PASSWORD);
    my $api = {
        base          => ($url =~ s{/+\z}{}r) . $API_PATH,
        authorization => 'Basic ' . encode_base64(encode('UTF-8', "$user:$password"), ''),
        http          => HTTP::Tiny->new(
            timeout      => $TIMEOUT_SECONDS,
            max_redirect => 0,
            proxy        => undef,
            http_proxy   => undef,
            https_proxy  => undef,
        ),
    };
    my $ticket = read_ticket(api_request($api, 'GET', "tickets/$ticket_id"));

    # On ADVANCE <current_stage> names the step being left. The ticket's
    # current step is only a fallback, because it may already be the next.
    my $step = defined $stage_id ? last_step_named($ticket, $stage_name) : undef;
    $step //= current_step($ticket);
    if (!$step) {
        log_line("ticket $ticket_id: no step to score");
        return;
    }
    my $requests = latest_access_requests($ticket, $step);
    if (!defined $requests) {
        log_line("ticket $ticket_id: no multi_access_request field up to step \"$step->{name}\"");
        return;
    }

    my ($score, $level, $reason, $summary) = assess($requests);
    log_line("ticket $ticket_id: risk score $score ($level)");

    my $current = $ticket->{current_step};
    if (defined $stage_id && (!$current || $current->{id} != $stage_id)) {
        my $now = $current ? "`$current->{name}` ($current->{id})" : 'no current step';
        log_line("ticket $ticket_id moved from step `$stage_name` ($stage_id) to $now since the event, so nothing was written");
        return;
    }

    my @updates = ([ $SCORE_FIELD, 'text', "$score" ], [ $REASON_FIELD, 'text', $reason ]);
    push @updates, [ $LEVEL_FIELD, 'drop-down', $level ] if defined $LEVEL_FIELD;
    my ($target_step, $task_writes) = plan_writes($ticket, \@updates);
    my $step_path = "tickets/$ticket_id/steps/$target_step->{id}/tasks";

    my $written = 0;
    for my $write (@$task_writes) {
        my ($task_id, $fields) = @$write;
        eval { api_request($api, 'PUT', "$step_path/$task_id/fields", fields_body($fields)); 1 }
            or fail(trim($@ =~ s/\Aerror: //r) . " ($written earlier task write(s) were applied)");
        log_line("ticket $ticket_id: wrote " . scalar(@$fields) . " field(s) on task $task_id");
        $written++;
    }
    my $first_task = $target_step->{tasks}[0]{id};
    my $comment    = '<comment><content>' . escape($summary) . '</content></comment>';
    eval { api_request($api, 'POST', "$step_path/$first_task/comments", $comment); 1 }
        or fail('wrote the fields, but failed to add the comment: ' . trim($@ =~ s/\Aerror: //r));
    log_line("ticket $ticket_id: added comment to task $first_task");
}

sub main {
    if (!eval { run(); 1 }) {
        log_line(trim($@));
        return 1;
    }
    return 0;
}

exit main();
