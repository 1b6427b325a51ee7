-- labels: the Chinese header, unit and meaning of every column of every view and table.
-- Rows come from sql/labels/<object>.csv and are refreshed with the views each time the
-- warehouse is opened for writing, so labels ship with the code like the views do.
create table labels (
    object varchar not null,
    "column" varchar not null,
    label_zh varchar not null,
    unit varchar,
    description varchar,
    primary key (object, "column")
);

-- The word index of `jixiao search`: goals, outcomes and free-text fields cut into words by
-- jieba (with the project's user dictionary), written when a submission is loaded.
create table search_passages (
    passage_id varchar primary key,      -- submission_id:part (part: goal-N, outcome-N, or a field key)
    submission_id varchar not null,
    task_no integer,
    part varchar not null,               -- goal, outcome, or the field key (social_benefit, ...)
    text varchar not null,
    span_start integer,                  -- where the passage is in the document text
    span_end integer,
    word_count integer not null
);

create table search_words (
    passage_id varchar not null,
    position integer not null,           -- 0, 1, 2 ... among the passage's words (punctuation skipped)
    word varchar not null,               -- as jieba cut it, NFKC-normalised and lower-cased
    word_start integer not null,         -- offsets into the passage text, end exclusive
    word_end integer not null
);
