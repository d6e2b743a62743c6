package dev.herald.model;

import java.util.List;
import java.util.UUID;

/**
 * The ids of the seeded notification templates. They are the ids Coder uses, so that integrations keyed on them keep
 * working against Herald.
 */
public final class SystemTemplates {

    public static final UUID WORKSPACE_DELETED = UUID.fromString("f517da0b-cdc9-410f-ab89-a86107c420ed");
    public static final UUID WORKSPACE_MANUAL_BUILD_FAILED = UUID.fromString("2faeee0f-26cb-4e96-821c-85ccb9f71513");
    public static final UUID WORKSPACE_AUTOBUILD_FAILED = UUID.fromString("381df2a9-c0c0-4749-420f-80a9280c66f9");
    public static final UUID WORKSPACE_AUTO_UPDATED = UUID.fromString("c34a0c09-0704-4cac-bd1c-0c0146811c2b");
    public static final UUID WORKSPACE_DORMANT = UUID.fromString("0ea69165-ec14-4314-91f1-69566ac3c5a0");
    public static final UUID WORKSPACE_MARKED_FOR_DELETION = UUID.fromString("51ce2fdf-c9ca-4be1-8d70-628674f9bc42");
    public static final UUID USER_ACCOUNT_CREATED = UUID.fromString("4e19c0ac-94e1-4532-9515-d1801aa283b2");
    public static final UUID USER_ACCOUNT_DELETED = UUID.fromString("f44d9314-ad03-4bc8-95d0-5cad491da6b6");
    public static final UUID USER_ACCOUNT_SUSPENDED = UUID.fromString("b02ddd82-4733-4d02-a2d7-c36f3598997d");
    public static final UUID USER_ACCOUNT_ACTIVATED = UUID.fromString("9f5af851-8408-4e73-a7a1-c6502ba46689");
    public static final UUID YOUR_ACCOUNT_SUSPENDED = UUID.fromString("6a2f0609-9b69-4d36-a989-9f5925b6cbff");
    public static final UUID YOUR_ACCOUNT_ACTIVATED = UUID.fromString("1a6a6bea-ee0a-43e2-9e7c-eabdb53730e4");
    public static final UUID TEMPLATE_DELETED = UUID.fromString("29a09665-2a4c-403f-9648-54301670e7be");
    public static final UUID TEST_NOTIFICATION = UUID.fromString("c425f63e-716a-4bf4-ae24-78348f706c3f");
    public static final UUID CUSTOM_NOTIFICATION = UUID.fromString("39b1e189-c857-4b0c-877a-511144c18516");
    public static final UUID WORKSPACE_CREATED = UUID.fromString("281fdf73-c6d6-4cbb-8ff5-888baf8a2fff");
    public static final UUID WORKSPACE_MANUALLY_UPDATED = UUID.fromString("d089fe7b-d5c5-4c0c-aaf5-689859f7d392");
    public static final UUID WORKSPACE_OUT_OF_MEMORY = UUID.fromString("a9d027b4-ac49-4fb1-9f6d-45af15f64e7a");
    public static final UUID TEMPLATE_DEPRECATED = UUID.fromString("f40fae84-55a2-42cd-99fa-b41c1ca64894");
    public static final UUID WORKSPACE_OUT_OF_DISK = UUID.fromString("f047f6a3-5713-40f7-85aa-0394cce9fa3a");
    public static final UUID PREBUILD_FAILURE_LIMIT_REACHED = UUID.fromString("414d9331-c1fc-4761-b40c-d1f4702279eb");
    public static final UUID ONE_TIME_PASSCODE = UUID.fromString("62f86a30-2330-4b61-a26d-311ff3b608cf");
    public static final UUID WORKSPACE_BUILDS_FAILED_REPORT = UUID.fromString("34a20db2-e9cc-4a93-b0e4-8569699d7a00");
    public static final UUID PREBUILT_WORKSPACE_RESOURCE_REPLACED =
            UUID.fromString("89d9745a-816e-4695-a17f-3d0a229e2b8d");

    public static final List<UUID> ALL = List.of(
            WORKSPACE_DELETED,
            WORKSPACE_MANUAL_BUILD_FAILED,
            WORKSPACE_AUTOBUILD_FAILED,
            WORKSPACE_AUTO_UPDATED,
            WORKSPACE_DORMANT,
            WORKSPACE_MARKED_FOR_DELETION,
            USER_ACCOUNT_CREATED,
            USER_ACCOUNT_DELETED,
            USER_ACCOUNT_SUSPENDED,
            USER_ACCOUNT_ACTIVATED,
            YOUR_ACCOUNT_SUSPENDED,
            YOUR_ACCOUNT_ACTIVATED,
            TEMPLATE_DELETED,
            TEST_NOTIFICATION,
            CUSTOM_NOTIFICATION,
            WORKSPACE_CREATED,
            WORKSPACE_MANUALLY_UPDATED,
            WORKSPACE_OUT_OF_MEMORY,
            TEMPLATE_DEPRECATED,
            WORKSPACE_OUT_OF_DISK,
            PREBUILD_FAILURE_LIMIT_REACHED,
            ONE_TIME_PASSCODE,
            WORKSPACE_BUILDS_FAILED_REPORT,
            PREBUILT_WORKSPACE_RESOURCE_REPLACED);

    private SystemTemplates() {}
}
